import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readParityLog } from '../src/reader.js';
import { generateParityLines, scanSchedule, writeParityLogs } from '../src/testing/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('parity-gen-'));
});
afterEach(() => cleanup());

describe('log generator', () => {
  it('schedules a scan every 45 s of each NYSE session, skipping holidays', () => {
    // 2026-04-02 Thu, 2026-04-03 Good Friday (closed), 2026-04-06 Mon.
    const s = scanSchedule({ tradingDays: 2, startDate: '2026-04-02' });
    const days = [...new Set(s.map((x) => x.tradeDate))];
    expect(days).toEqual(['2026-04-02', '2026-04-06']);
    expect(new Date(s[0]!.tMs).toISOString()).toBe('2026-04-02T13:30:05.000Z');
    expect(s[1]!.tMs - s[0]!.tMs).toBe(45_000);
    expect(s.filter((x) => x.tradeDate === '2026-04-02')).toHaveLength(520);
  });

  it('is deterministic for a seed and writes strictly valid v1 logs', async () => {
    const a = [...generateParityLines({ seed: 42, tradingDays: 1, sides: ['candidate'] })]
      .map((l) => l.text)
      .join('');
    const b = [...generateParityLines({ seed: 42, tradingDays: 1, sides: ['candidate'] })]
      .map((l) => l.text)
      .join('');
    const c = [...generateParityLines({ seed: 43, tradingDays: 1, sides: ['candidate'] })]
      .map((l) => l.text)
      .join('');
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    const written = await writeParityLogs(dir, { seed: 42, tradingDays: 1 });
    const bad: string[] = [];
    const kinds = new Map<string, number>();
    for await (const { record } of readParityLog(written.candidateDir, {
      validate: 'strict',
      onBadLine: (x) => bad.push(x.reason),
    })) {
      kinds.set(record.record_kind, (kinds.get(record.record_kind) ?? 0) + 1);
    }
    expect(bad).toEqual([]);
    expect(Object.fromEntries(kinds)).toEqual({ startup: 1, scan: 520, comparison: 26, shutdown: 1 });
  });

  it('injects the requested differences into one side only', async () => {
    const written = await writeParityLogs(dir, {
      seed: 5,
      tradingDays: 1,
      differences: {
        candidate: { vixOffset: 0.5, vixOffsetScans: 3, garbageLines: 2, tornTail: true, scanGaps: 1 },
      },
    });
    const read = async (d: string) => {
      const bad: number[] = [];
      const vix: number[] = [];
      const counts: number[] = [];
      for await (const { record } of readParityLog(d, { onBadLine: (x) => bad.push(x.line) })) {
        if (record.record_kind === 'scan') {
          vix.push(record.vix ?? 0);
          counts.push(record.scan_count);
        }
      }
      return { bad, vix, counts };
    };
    const cand = await read(written.candidateDir);
    const ref = await read(written.referenceDir);
    expect(ref.bad).toEqual([]);
    expect(cand.bad).toHaveLength(3);
    expect(cand.vix.filter((v, i) => Math.abs(v - ref.vix[i]!) > 0.001)).toHaveLength(3);
    const steps = cand.counts.slice(1).map((c, i) => c - cand.counts[i]!);
    expect(steps.filter((s) => s !== 1)).toEqual([2]);
    const text = await readFile(join(written.candidateDir, 'parity.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(false);
  });
});
