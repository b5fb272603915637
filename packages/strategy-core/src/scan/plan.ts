/**
 * State set-up and the snapshot plan: what one scan must fetch for every scenario at once.
 */
import { freshScenarioState } from '../book/book.js';
import { addDays, tradeDateOf } from '../calendar/index.js';
import type { ResolvedScenario, RunConfig } from '../config/schema.js';
import { optionRootsOf, vendorTickerOf } from '../config/universe.js';
import type { EngineState } from '../domain/state.js';
import type { SnapshotPlan, SnapshotPlanUnderlying } from '../domain/types.js';
import { EngineError } from './errors.js';

export const ENGINE_STATE_VERSION = 1 as const;

/** A new engine state: no scans yet, a fresh book per scenario. */
export function initialState(run: RunConfig): EngineState {
  return alignState(
    {
      version: ENGINE_STATE_VERSION,
      scanCount: 0,
      lastScanAt: null,
      lastTradeDate: null,
      global: { consecutiveFailedScans: 0, level: 'ok', cause: null },
      scenarios: {},
    },
    run,
  );
}

/**
 * Add a fresh book for every scenario of `run` the state does not know; keep existing books untouched
 * (also those of scenarios no longer in the run, so nothing is lost when a scenario comes back).
 */
export function alignState(state: EngineState, run: RunConfig): EngineState {
  assertEngineState(state);
  const missing = run.scenarios.filter((s) => state.scenarios[s.id] === undefined);
  if (missing.length === 0) return state;
  const scenarios = { ...state.scenarios };
  for (const s of missing) scenarios[s.id] = freshScenarioState(s);
  return { ...state, scenarios };
}

/** Broken or foreign state is a caller error: say what is wrong. */
export function assertEngineState(state: unknown): asserts state is EngineState {
  const s = state as Partial<EngineState> | null;
  if (typeof s !== 'object' || s === null) throw new EngineError('invalid_state', 'state is not an object');
  if (s.version !== ENGINE_STATE_VERSION) {
    throw new EngineError(
      'invalid_state',
      `state.version must be ${ENGINE_STATE_VERSION}, got ${String(s.version)}`,
    );
  }
  if (!Number.isInteger(s.scanCount) || (s.scanCount as number) < 0) {
    throw new EngineError(
      'invalid_state',
      `state.scanCount must be a non-negative integer, got ${String(s.scanCount)}`,
    );
  }
  if (typeof s.scenarios !== 'object' || s.scenarios === null) {
    throw new EngineError('invalid_state', 'state.scenarios must be an object');
  }
  if (typeof s.global !== 'object' || s.global === null)
    throw new EngineError('invalid_state', 'state.global missing');
}

/** Scenarios in run order: priority, then the order given (stable). */
export const runOrder = (run: RunConfig): ResolvedScenario[] =>
  run.scenarios
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.priority - b.s.priority || a.i - b.i)
    .map((x) => x.s);

/**
 * Underlyings in first-seen run order with the union of every scenario's entry DTE window, the vendor
 * ticker and roots from the universe entries, then the underlyings of open positions that no universe
 * lists any more (price only: a window of today), plus every open leg of every scenario.
 */
export function planSnapshot(state: EngineState, run: RunConfig, nowMs: number): SnapshotPlan {
  const tradeDate = tradeDateOf(nowMs);
  const byUnderlying = new Map<
    string,
    { vendorTicker: string; roots: string[]; minDte: number; maxDte: number; from: string }
  >();
  for (const scenario of runOrder(run)) {
    scenario.universe.forEach((u, i) => {
      const vendorTicker = vendorTickerOf(u);
      const where = `${scenario.origin || scenario.id}: universe[${i}]`;
      const known = byUnderlying.get(u.underlying);
      if (!known) {
        byUnderlying.set(u.underlying, {
          vendorTicker,
          roots: [...optionRootsOf(u)],
          minDte: scenario.entry.dte.min,
          maxDte: scenario.entry.dte.max,
          from: where,
        });
        return;
      }
      if (known.vendorTicker !== vendorTicker) {
        throw new EngineError(
          'invalid_config',
          `${where}: vendor_ticker ${vendorTicker} for ${u.underlying} conflicts with ${known.vendorTicker} (${known.from})`,
        );
      }
      for (const r of optionRootsOf(u)) if (!known.roots.includes(r)) known.roots.push(r);
      known.minDte = Math.min(known.minDte, scenario.entry.dte.min);
      known.maxDte = Math.max(known.maxDte, scenario.entry.dte.max);
    });
  }
  const underlyings: SnapshotPlanUnderlying[] = [...byUnderlying].map(([symbol, u]) => ({
    symbol,
    vendorTicker: u.vendorTicker,
    optionRoots: u.roots,
    expiryFrom: addDays(tradeDate, u.minDte),
    expiryTo: addDays(tradeDate, u.maxDte),
  }));
  // Open positions on an underlying no scenario trades any more still need its price: an expired one
  // settles at intrinsic. Its chain is not needed, so the window is today only.
  for (const scenario of run.scenarios) {
    for (const p of state.scenarios[scenario.id]?.open ?? []) {
      if (byUnderlying.has(p.underlying) || underlyings.some((u) => u.symbol === p.underlying)) continue;
      const entry = { underlying: p.underlying };
      underlyings.push({
        symbol: p.underlying,
        vendorTicker: vendorTickerOf(entry),
        optionRoots: optionRootsOf(entry),
        expiryFrom: tradeDate,
        expiryTo: tradeDate,
      });
    }
  }
  const legs = new Set<string>();
  for (const s of Object.values(state.scenarios)) {
    for (const p of s.open) {
      legs.add(p.shortTicker);
      legs.add(p.longTicker);
    }
  }
  return { asOfMs: nowMs, tradeDate, vixTicker: 'I:VIX', underlyings, legTickers: [...legs].sort() };
}
