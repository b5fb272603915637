import { appendFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openParityLogWriter } from '@aegis/parity-log';
import { describe, expect, it } from 'vitest';
import { flushPending } from './cycle.js';
import type { PendingRecords } from './state/store.js';

const scan = (n: number, runId = 'run-1') => ({
  schema_version: 1,
  record_kind: 'scan',
  ts: `2026-04-10T14:${String(n).padStart(2, '0')}:00.000Z`,
  trade_date: '2026-04-10',
  scan_count: n,
  run_id: runId,
  source: 'scan-cycle/0.1.0',
  mode: 'dry-run',
  vix: 17.1,
  underlyings: {},
  entries_proposed: [],
  exits_proposed: [],
  errors: [],
  circuit_breaker: { global: 'ok', scenarios: {} },
  duration_ms: 5,
});
const breaker = (n: number) => ({
  schema_version: 1,
  record_kind: 'breaker',
  ts: `2026-04-10T14:${String(n).padStart(2, '0')}:00.000Z`,
  trade_date: '2026-04-10',
  scenario: 'LT_RC',
  from: 'ok',
  to: 'warn',
  cause: 'daily loss 0.011 >= 0.01',
  scan_count: n,
  run_id: 'run-1',
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'scan-cycle-cycle-'));
  const path = join(dir, 'parity_log.jsonl');
  return { dir, path };
}
const lines = async (path: string) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { record_kind: string; scan_count: number });

describe('flushPending (restart recovery)', () => {
  const pending: PendingRecords = { scanCount: 8, parity: [breaker(8), scan(8)], comparison: null };

  it('appends the pending records when the crash came before the append', async () => {
    const { path } = await setup();
    const w = await openParityLogWriter(path, { fsync: 'always' });
    await w.append(scan(7) as never);
    expect(await flushPending(pending, w, null)).toEqual({ appended: 2, skipped: 0 });
    await w.close();
    expect((await lines(path)).map((r) => `${r.record_kind}:${r.scan_count}`)).toEqual([
      'scan:7',
      'breaker:8',
      'scan:8',
    ]);
  });

  it('appends nothing when the crash came after the append (no duplicate)', async () => {
    const { path } = await setup();
    const w = await openParityLogWriter(path, { fsync: 'always' });
    for (const r of [scan(7), breaker(8), scan(8)]) await w.append(r as never);
    expect(await flushPending(pending, w, null)).toEqual({ appended: 0, skipped: 2 });
    expect(await flushPending(pending, w, null)).toEqual({ appended: 0, skipped: 2 });
    await w.close();
    expect(await lines(path)).toHaveLength(3);
  });

  it('completes a half-appended set and repairs a torn tail first', async () => {
    const { path } = await setup();
    const w0 = await openParityLogWriter(path, { fsync: 'always' });
    for (const r of [scan(7), breaker(8)]) await w0.append(r as never);
    await w0.close();
    // A crash mid-write of the scan record: a torn final line.
    await appendFile(path, JSON.stringify(scan(8)).slice(0, 40));
    const w = await openParityLogWriter(path, { fsync: 'always' });
    expect(w.repaired).not.toBeNull();
    expect(await flushPending(pending, w, null)).toEqual({ appended: 1, skipped: 1 });
    await w.close();
    expect((await lines(path)).map((r) => `${r.record_kind}:${r.scan_count}`)).toEqual([
      'scan:7',
      'breaker:8',
      'scan:8',
    ]);
  });

  it('does not mistake another run with the same scan_count for ours', async () => {
    const { path } = await setup();
    const w = await openParityLogWriter(path, { fsync: 'always' });
    await w.append(scan(8, 'other-run') as never);
    expect(await flushPending({ scanCount: 8, parity: [scan(8)], comparison: null }, w, null)).toEqual({
      appended: 1,
      skipped: 0,
    });
    await w.close();
  });
});
