/**
 * The engine is a pure function of (snapshot, state, config, instant): frozen inputs are never written,
 * and a state that went through JSON between scans gives exactly the same scans as the live object.
 */
import { describe, expect, it } from 'vitest';
import {
  type EngineState,
  initialState,
  planSnapshot,
  type RunConfig,
  runScan,
  type ScanOutcome,
} from '../src/index.js';
import { makeRunConfig, makeSyntheticSnapshot, shippedLikeScenarios } from '../src/testing/index.js';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * The shipped scenarios with a low credit floor, so that a synthetic market opens positions, and WFT_C
 * exiting at DTE 29, so that its 21–30 DTE entries close at the next scan.
 */
function activeRun(): RunConfig {
  const shipped = makeRunConfig(shippedLikeScenarios());
  return {
    ...shipped,
    scenarios: shipped.scenarios.map((s) => ({
      ...s,
      entry: { ...s.entry, min_credit: { fraction_of_width: 0.05, absolute: 0.05 } },
      exit: s.id === 'WFT_C' ? { ...s.exit, dte_exit: 29 } : s.exit,
    })),
  };
}

/** Four scans on each of three trading days (Friday, Monday, Tuesday), 11:00 to 14:00 New York. */
const SCAN_TIMES = ['2026-04-10', '2026-04-13', '2026-04-14'].flatMap((d) =>
  ['15:00', '16:00', '17:00', '18:00'].map((hm) => Date.parse(`${d}T${hm}:00Z`)),
);

function day(run: RunConfig, viaJson: boolean): ScanOutcome[] {
  let state: EngineState = initialState(run);
  const outcomes: ScanOutcome[] = [];
  SCAN_TIMES.forEach((t, i) => {
    const snapshot = makeSyntheticSnapshot({
      seed: 7 + i,
      asOfMs: t,
      underlyings: ['SPY', 'QQQ', 'IWM', 'SPX'],
      contractsPerUnderlying: 700,
      expirySchedule: 'weekly',
      expiries: 10,
      firstExpiryDays: 3,
      legTickers: planSnapshot(state, run, t).legTickers,
    });
    const input = viaJson ? deepFreeze(JSON.parse(JSON.stringify(state)) as EngineState) : state;
    const { outcome, nextState } = runScan(viaJson ? deepFreeze(snapshot) : snapshot, input, run, t);
    outcomes.push(outcome);
    state = nextState;
  });
  return outcomes;
}

describe('purity and determinism', () => {
  it('frozen, JSON round-tripped inputs give the same scans as live objects', () => {
    const run = activeRun();
    const live = day(run, false);
    const revived = day(run, true);
    expect(revived).toEqual(live);
    // The run exercised the book: entries, exits and open positions across days.
    const entries = live.flatMap((o) => o.decisions.entries).filter((e) => e.status !== 'blocked');
    const exits = live.flatMap((o) => o.decisions.exits);
    expect(entries.length).toBeGreaterThan(10);
    expect(exits.length).toBeGreaterThan(0);
    expect(live.at(-1)!.scanCount).toBe(SCAN_TIMES.length);
    expect(JSON.parse(JSON.stringify(live))).toEqual(live);
  });
});
