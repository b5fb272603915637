import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ParityLogError } from '../src/errors.js';
import { type BadLine, type OtherVersionLine, readParityLog } from '../src/reader.js';
import { lastRecordOfKind, readLastRecords } from '../src/tail.js';
import { scanRecord, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('parity-reader-'));
});
afterEach(() => cleanup());

const line = (n: number, o = {}) => `${JSON.stringify(scanRecord(n, o))}\n`;

async function collect(path: string, options = {}) {
  const bad: BadLine[] = [];
  const other: OtherVersionLine[] = [];
  const got: { n: unknown; file: string; line: number }[] = [];
  for await (const e of readParityLog(path, {
    onBadLine: (b) => bad.push(b),
    onOtherVersion: (o) => other.push(o),
    ...options,
  })) {
    got.push({
      n: (e.record as { scan_count?: number }).scan_count ?? e.record.record_kind,
      file: e.file,
      line: e.line,
    });
  }
  return { bad, other, got };
}

describe('readParityLog', () => {
  it('reads a directory of .jsonl and .jsonl.gz files in name order, ignoring other files', async () => {
    await writeFile(join(dir, 'b.jsonl'), line(3) + line(4));
    await writeFile(join(dir, 'a.jsonl.gz'), gzipSync(line(1) + line(2)));
    await writeFile(join(dir, 'parity.jsonl.torn-20260410T140000000Z'), '{"torn');
    await writeFile(join(dir, 'notes.txt'), 'hello');
    const { got, bad } = await collect(dir);
    expect(got.map((g) => g.n)).toEqual([1, 2, 3, 4]);
    expect(got[2]).toEqual({ n: 3, file: join(dir, 'b.jsonl'), line: 1 });
    expect(bad).toEqual([]);
  });

  it('reports malformed, torn and invalid lines with file and line number and goes on', async () => {
    const file = join(dir, 'parity.jsonl');
    await writeFile(
      file,
      [
        line(1),
        'garbage here\n',
        '\n',
        line(2, { scan_count: 'two' }),
        '[1,2]\n',
        line(3).slice(0, 40),
        '\n',
        line(4),
        JSON.stringify({ schema_version: 1, record_kind: 'future_kind', ts: 'x' }),
        '\n',
        line(5).slice(0, 30),
      ].join(''),
    );
    const { got, bad } = await collect(file);
    expect(got.map((g) => [g.n, g.line])).toEqual([
      [1, 1],
      [4, 7],
    ]);
    expect(bad.map((b) => [b.line, b.reason.split(':')[0]])).toEqual([
      [2, 'not JSON'],
      [4, 'scan'],
      [5, 'not a JSON object'],
      [6, 'not JSON'],
      [9, 'torn final line (30 bytes, no trailing newline)'],
    ]);
    expect(bad[1]?.reason).toBe('scan: scan_count: expected integer, got "two"');
    expect(bad.every((b) => b.file === file)).toBe(true);
  });

  it('does not yield records of another schema version but reports them', async () => {
    const file = join(dir, 'parity.jsonl');
    await writeFile(file, line(1) + line(2, { schema_version: 2 as 1 }) + line(3));
    const { got, other } = await collect(file);
    expect(got.map((g) => g.n)).toEqual([1, 3]);
    expect(other).toEqual([{ file, line: 2, schemaVersion: 2, recordKind: 'scan' }]);
  });

  it('strict mode runs the full schema', async () => {
    const file = join(dir, 'parity.jsonl');
    await writeFile(file, line(1, { mode: 'paper' as 'live' }));
    expect((await collect(file)).got).toHaveLength(1);
    const strict = await collect(file, { validate: 'strict' });
    expect(strict.got).toHaveLength(0);
    expect(strict.bad[0]?.reason).toContain('mode');
  });

  it('splits lines across small read chunks and skips over-long lines', async () => {
    const file = join(dir, 'parity.jsonl');
    await writeFile(file, `${line(1)}${'x'.repeat(5000)}\n${line(2)}${line(3)}`);
    const { got, bad } = await collect(file, { chunkBytes: 64, maxLineBytes: 2000 });
    expect(got.map((g) => [g.n, g.line])).toEqual([
      [1, 1],
      [2, 3],
      [3, 4],
    ]);
    expect(bad).toEqual([{ file, line: 2, reason: 'line longer than 2000 bytes', excerpt: '' }]);
  });

  it('reports a truncated .gz file and keeps what came before', async () => {
    await mkdir(join(dir, 'logs'));
    const gz = gzipSync(Array.from({ length: 200 }, (_, i) => line(i + 1)).join(''));
    await writeFile(join(dir, 'logs', 'a.jsonl.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    await writeFile(join(dir, 'logs', 'b.jsonl'), line(500));
    const { got, bad } = await collect(join(dir, 'logs'));
    expect(got.length).toBeGreaterThan(10);
    expect(got.at(-1)?.n).toBe(500);
    expect(bad.some((b) => b.reason.startsWith('gzip stream unreadable'))).toBe(true);
  });

  it('throws a typed error for a missing path or a directory with no logs', async () => {
    const missing = await collect(join(dir, 'nope')).catch((e: unknown) => e);
    expect((missing as ParityLogError).kind).toBe('not_found');
    const empty = await collect(dir).catch((e: unknown) => e);
    expect((empty as ParityLogError).message).toBe(
      `[readdir] ${dir}: no *.jsonl or *.jsonl.gz files in this directory`,
    );
  });
});

describe('tail reads', () => {
  it('returns the last records in file order and the last record of a kind, skipping a torn tail', async () => {
    const file = join(dir, 'parity.jsonl');
    const breaker = `${JSON.stringify({ schema_version: 1, record_kind: 'breaker', ts: '2026-04-10T15:00:00.000Z', scenario: 'WFT_A', from: 'ok', to: 'warn', cause: 'drawdown' })}\n`;
    // Big enough that the tail spans several 64 KiB chunks.
    const body = Array.from({ length: 300 }, (_, i) => line(i + 1)).join('');
    await writeFile(file, `${body + breaker + line(301)}not json\n${line(302).slice(0, 50)}`);
    const last = await readLastRecords(file, 3);
    expect(last.map((r) => (r.record_kind === 'scan' ? r.scan_count : r.record_kind))).toEqual([
      300,
      'breaker',
      301,
    ]);
    const scan = await lastRecordOfKind(file, 'scan');
    expect(scan?.scan_count).toBe(301);
    expect((await lastRecordOfKind(file, 'breaker'))?.to).toBe('warn');
    expect(await lastRecordOfKind(file, 'shutdown')).toBeNull();
    expect((await readLastRecords(file, 1000)).length).toBe(302);
  });

  it('handles an empty file and a file of one torn line', async () => {
    const file = join(dir, 'parity.jsonl');
    await writeFile(file, '');
    expect(await readLastRecords(file, 5)).toEqual([]);
    await writeFile(file, line(1).slice(0, 20));
    expect(await lastRecordOfKind(file, 'scan')).toBeNull();
  });
});
