import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, readJsonl, removeTempDirs, runCli, scansOf, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/** Fields that must differ between two runs over the same session: the run's identity and its wall time. */
const RUN_SPECIFIC = ['run_id', 'duration_ms'];
const strip = (r: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(r).filter(([k]) => !RUN_SPECIFIC.includes(k)));

function replayArgs(dir: string, market: string): string[] {
  return [
    'run',
    '--scenario-multi-yaml',
    join(FIXTURES, 'multi.yaml'),
    '--state-dir',
    join(dir, 'state'),
    '--parity-log',
    join(dir, 'logs', 'parity_log.jsonl'),
    '--dry-run',
    `--market=${market}`,
    '--broker=sim',
    '--health-addr=127.0.0.1:0',
  ];
}

describe('record and replay', () => {
  it('the same recorded session replayed twice gives identical records apart from run_id and duration_ms', {
    timeout: 180_000,
  }, async () => {
    const root = await tempDir('replay');
    const recording = join(root, 'market');
    const original = join(root, 'original');
    // 11:00 New York: inside every scenario's entry window, so entries, prechecks and fills happen.
    const rec = await runCli([
      ...replayArgs(original, 'sim:7'),
      '--clock=virtual:2026-04-10T15:00:00Z',
      '--max-scans=40',
      `--record-market=${recording}`,
    ]);
    expect(rec.code).toBe(0);
    const files = await readdir(recording);
    expect(files.length).toBeGreaterThan(0);
    // The loopback key never reaches the recording.
    const { gunzipSync } = await import('node:zlib');
    const { readFile } = await import('node:fs/promises');
    const recorded = gunzipSync(await readFile(join(recording, files[0] as string))).toString('utf8');
    expect(recorded).not.toMatch(/sim-[0-9a-f]{16}/);

    const a = join(root, 'replay-a');
    const b = join(root, 'replay-b');
    // No --clock: replay implies the virtual clock of the recording.
    const ra = await runCli(replayArgs(a, `replay:${recording}`));
    const rb = await runCli(replayArgs(b, `replay:${recording}`));
    expect(ra.code).toBe(0);
    expect(rb.code).toBe(0);

    const la = await readJsonl(join(a, 'logs', 'parity_log.jsonl'));
    const lb = await readJsonl(join(b, 'logs', 'parity_log.jsonl'));
    const lo = await readJsonl(join(original, 'logs', 'parity_log.jsonl'));
    const sa = scansOf(la);
    const sb = scansOf(lb);
    expect(sa).toHaveLength(40);
    expect(sa.map(strip)).toEqual(sb.map(strip));
    // … and equal to the original run over the live (simulated) market.
    expect(sa.map(strip)).toEqual(scansOf(lo).map(strip));
    expect(la.at(-1)).toMatchObject({ record_kind: 'shutdown', reason: 'replay_end' });
    expect(sa[0]?.run_id).not.toBe(sb[0]?.run_id);

    // The session traded: entries were filled on paper and prechecked for the live-capable scenario.
    const entries = sa.flatMap((s) => s.entries_proposed as { scenario: string; status: string }[]);
    expect(entries.some((e) => e.scenario === 'LT_RC' && e.status === 'precheck_ok')).toBe(true);
    expect(entries.some((e) => e.scenario === 'PAPER_A' && e.status === 'paper_filled')).toBe(true);

    const ca = await readJsonl(join(a, 'logs', 'multi_comparison.jsonl'));
    const cb = await readJsonl(join(b, 'logs', 'multi_comparison.jsonl'));
    expect(ca).toHaveLength(2);
    expect(ca).toEqual(cb);
  });
});
