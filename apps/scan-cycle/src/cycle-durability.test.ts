import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParityLogWriter, ParityRecord } from '@aegis/parity-log';
import { initialState, type MarketSnapshot, nyTimeToUtcMs, type SnapshotPlan } from '@aegis/strategy-core';
import { loadScenarioConfig } from '@aegis/strategy-core/node';
import { describe, expect, it } from 'vitest';
import { createCycle } from './cycle.js';
import { createSilentLogger } from './logger.js';
import { createStateStore, type PersistedState, type StateStore } from './state/store.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'scenarios');
const run = loadScenarioConfig(join(fixtures, 'multi.yaml'));
const t0 = nyTimeToUtcMs('2026-04-10', '11:00');

/** A market with VIX and prices but no chains: scans complete with no entries. */
const market = {
  async fetchScanSnapshot(plan: SnapshotPlan): Promise<MarketSnapshot> {
    const underlyings = Object.fromEntries(
      plan.underlyings.map((u) => [u.symbol, { symbol: u.symbol, price: 500, timeMs: plan.asOfMs }]),
    );
    const chains = Object.fromEntries(plan.underlyings.map((u) => [u.symbol, []]));
    return { asOfMs: plan.asOfMs, vix: 17.2, underlyings, chains, legs: {}, errors: [] };
  },
};

/** An in-memory log whose next `failures` appends fail like a full disk. */
function memoryLog(path: string) {
  const records: Record<string, unknown>[] = [];
  let failures = 0;
  const writer = {
    path,
    repaired: null,
    sizeBytes: 0,
    async append(record: ParityRecord) {
      if (failures > 0) {
        failures--;
        throw new Error('ENOSPC: no space left on device');
      }
      records.push(record as unknown as Record<string, unknown>);
    },
    async close() {},
  } as unknown as ParityLogWriter;
  return { writer, records, failNext: (n: number) => (failures = n) };
}

async function setup(store?: StateStore) {
  const dir = await mkdtemp(join(tmpdir(), 'scan-cycle-durability-'));
  const real = store ?? (await createStateStore(join(dir, 'state')));
  const log = memoryLog(join(dir, 'parity_log.jsonl'));
  const initial: PersistedState = {
    format: 'aegis-scan-cycle-state',
    version: 1,
    configHash: 'sha256:test',
    scenarioIds: run.scenarios.map((s) => s.id),
    scanIntervalSec: 45,
    engine: initialState(run),
    pending: null,
    savedAt: '2026-04-10T15:00:00.000Z',
  };
  const cycle = createCycle(
    {
      run,
      ctx: { runId: 'r', source: 'scan-cycle/0.1.0', mode: 'dry-run' },
      market,
      broker: null,
      store: real,
      parityLog: log.writer,
      comparisonLog: null,
      comparisonEvery: 20,
      logger: createSilentLogger(),
      perfNowMs: () => performance.now(),
    },
    initial,
  );
  return { cycle, log };
}

describe('durability of a scan', () => {
  it('a state that cannot be written discards the scan: nothing recorded, scan count unchanged', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scan-cycle-durability-'));
    const store = await createStateStore(dir);
    let failing = true;
    const flaky: StateStore = {
      ...store,
      async save(state) {
        if (failing) throw new Error('EROFS: read-only file system');
        await store.save(state);
      },
    };
    const { cycle, log } = await setup(flaky);
    const r = await cycle.scan(t0, false);
    expect(r).toMatchObject({
      ok: false,
      reason: 'state_unwritable',
      message: 'EROFS: read-only file system',
    });
    expect(log.records).toEqual([]);
    expect(cycle.current().engine.scanCount).toBe(0);
    failing = false;
    const ok = await cycle.scan(t0 + 45_000, false);
    expect(ok.ok).toBe(true);
    expect(log.records.map((x) => x.scan_count)).toEqual([1]);
    expect((await store.load())?.engine.scanCount).toBe(1);
  });

  it('a log that cannot be written keeps the records pending and appends them before the next scan', async () => {
    const { cycle, log } = await setup();
    expect((await cycle.scan(t0, false)).ok).toBe(true);
    log.failNext(1);
    // Decided and persisted, but the append failed: the records wait in the state's pending slot.
    expect((await cycle.scan(t0 + 45_000, false)).ok).toBe(true);
    expect(log.records.map((x) => x.scan_count)).toEqual([1]);
    expect(cycle.current().pending?.scanCount).toBe(2);
    log.failNext(1);
    // Still failing: no new scan is taken.
    expect(await cycle.scan(t0 + 90_000, false)).toMatchObject({ ok: false, reason: 'log_unwritable' });
    expect(cycle.current().engine.scanCount).toBe(2);
    // The disk is back: scan 2's record first, then scan 3.
    expect((await cycle.scan(t0 + 135_000, false)).ok).toBe(true);
    expect(log.records.map((x) => x.scan_count)).toEqual([1, 2, 3]);
  });
});
