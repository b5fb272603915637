/** `validate-config` and `breaker status|reset`. */
import { type BreakerLevel, resetBreaker, toIsoUtc, tradeDateOf } from '@aegis/strategy-core';
import { loadScenarioConfig } from '@aegis/strategy-core/node';
import { configHashOf } from './config.js';
import { ExitError } from './errors.js';
import { acquireStateLock, type StateLockedError } from './state/lock.js';
import { createStateStore } from './state/store.js';
import { VERSION } from './version.js';

export type Print = (line: string) => void;

/** Loads the file exactly as `run` would; a ConfigError propagates (exit 2 in main). */
export function validateConfigCommand(file: string, print: Print): void {
  const run = loadScenarioConfig(file);
  print(
    `${file}: valid (${run.mode} mode, ${run.scenarios.length} scenario${run.scenarios.length === 1 ? '' : 's'})`,
  );
  print(`config hash: ${configHashOf(run)}`);
  if (run.scanIntervalSec !== null) print(`scan interval: ${run.scanIntervalSec} s`);
  if (run.mode === 'multi') print(`comparison every ${run.comparisonEveryBatches} scans`);
  for (const s of run.scenarios) {
    const underlyings = s.universe.map((u) => u.underlying).join(',');
    print(
      `  ${s.id.padEnd(8)} ${s.role.padEnd(12)} priority ${String(s.priority).padStart(3)}  ${underlyings}`,
    );
  }
}

export async function breakerCommand(
  action: 'status' | 'reset',
  stateDir: string,
  scenario: string | null,
  print: Print,
): Promise<void> {
  const store = await createStateStore(stateDir);
  if (action === 'status') {
    const state = await store.load();
    if (state === null) throw new ExitError(1, `no state in ${stateDir} (the service has not run there yet)`);
    const halt = await store.haltRequested();
    print(
      `state: ${store.statePath} (scan_count ${state.engine.scanCount}, last scan ${state.engine.lastScanAt ?? 'never'})`,
    );
    print(
      `global: ${state.engine.global.level}${state.engine.global.cause ? ` (${state.engine.global.cause})` : ''}${halt ? '  HALT file present' : ''}`,
    );
    const ids = scenario === null ? Object.keys(state.engine.scenarios) : [scenario];
    for (const id of ids) {
      const s = state.engine.scenarios[id];
      if (s === undefined) throw new ExitError(1, `scenario ${id} is not in ${store.statePath}`);
      const b = s.breaker;
      print(`  ${id.padEnd(8)} ${b.level.padEnd(12)} ${b.tradeDate ?? ''}${b.cause ? `  ${b.cause}` : ''}`);
    }
    return;
  }

  const id = scenario as string;
  let lock: Awaited<ReturnType<typeof acquireStateLock>>;
  try {
    lock = await acquireStateLock(stateDir, VERSION, new Date().toISOString());
  } catch (error) {
    if ((error as StateLockedError)._tag === 'StateLockedError') {
      throw new ExitError(1, `${(error as Error).message}\nstop the service before resetting a breaker`);
    }
    throw error;
  }
  try {
    const state = await store.load();
    if (state === null) throw new ExitError(1, `no state in ${stateDir}`);
    const s = state.engine.scenarios[id];
    if (s === undefined) {
      throw new ExitError(
        1,
        `scenario ${id} is not in ${store.statePath} (known: ${Object.keys(state.engine.scenarios).join(', ')})`,
      );
    }
    const from: BreakerLevel = s.breaker.level;
    const engine = resetBreaker(state.engine, id);
    const to = engine.scenarios[id]?.breaker.level ?? 'ok';
    const nowMs = Date.now();
    // Recorded through the pending slot: the next start appends it to the parity log exactly once.
    const record = {
      schema_version: 1,
      record_kind: 'breaker',
      ts: toIsoUtc(nowMs),
      trade_date: tradeDateOf(nowMs),
      scenario: id,
      from,
      to,
      cause: 'operator reset (scan-cycle breaker reset)',
      scan_count: state.engine.scanCount,
      run_id: `operator-${nowMs}`,
    };
    const pending = state.pending ?? { scanCount: state.engine.scanCount, parity: [], comparison: null };
    await store.save({
      ...state,
      engine,
      pending: { ...pending, parity: [...pending.parity, record] },
      savedAt: toIsoUtc(nowMs),
    });
    print(`${id}: breaker ${from} -> ${to} (recorded in the parity log at the next start)`);
  } finally {
    await lock.release();
  }
}
