/**
 * Circuit breaker, SPEC 4.5. A scenario's own level only rises within a trade date; at the first scan of
 * a new trade date `warn` and `reduce_only` are re-evaluated from scratch; `halted` clears only through
 * `resetBreaker`. The global level is not latched.
 */
import { equityOf } from '../book/book.js';
import type { ScenarioConfig } from '../config/schema.js';
import type { BreakerChange, EngineState, GlobalBreakerState, ScenarioState } from '../domain/state.js';
import type { BreakerLevel, TradeDate } from '../domain/types.js';
import { EPS } from '../math/rounding.js';
import { EngineError } from '../scan/errors.js';

const RANK: Record<BreakerLevel, number> = { ok: 0, warn: 1, reduce_only: 2, halted: 3 };

export const levelRank = (level: BreakerLevel): number => RANK[level];
export const maxLevel = (a: BreakerLevel, b: BreakerLevel): BreakerLevel => (RANK[a] >= RANK[b] ? a : b);

/** No new entries at `reduce_only` and above. */
export const blocksEntries = (level: BreakerLevel): boolean => RANK[level] >= RANK.reduce_only;

interface Thresholds {
  warn: number;
  reduce_only: number;
  halt: number;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** The level a fraction reaches; a value within 1e-9 of a threshold counts as reaching it. */
function levelFor(value: number, t: Thresholds): BreakerLevel {
  if (value >= t.halt - EPS) return 'halted';
  if (value >= t.reduce_only - EPS) return 'reduce_only';
  if (value >= t.warn - EPS) return 'warn';
  return 'ok';
}

export interface BreakerReading {
  level: BreakerLevel;
  cause: string | null;
  dailyLossFraction: number;
  drawdownFraction: number;
}

/** The level the current figures call for, with the dominant cause. */
export function readScenarioBreaker(
  s: ScenarioState,
  scenario: ScenarioConfig,
  equity: number,
): BreakerReading {
  const cfg = scenario.circuit_breaker;
  const baseline = s.dailyBaseline?.equity ?? equity;
  const dailyLossFraction = Math.max(0, (baseline - equity) / s.startingEquity);
  const drawdownFraction = s.highWaterMark > 0 ? Math.max(0, 1 - equity / s.highWaterMark) : 0;
  const candidates: { level: BreakerLevel; cause: string }[] = [
    {
      level: levelFor(dailyLossFraction, cfg.daily_loss_fraction),
      cause: `daily loss ${pct(dailyLossFraction)} of starting equity`,
    },
    {
      level: levelFor(drawdownFraction, cfg.drawdown_fraction),
      cause: `drawdown ${pct(drawdownFraction)} from high-water mark`,
    },
    {
      level: s.consecutiveStopLosses >= cfg.consecutive_stop_losses ? 'reduce_only' : 'ok',
      cause: `${s.consecutiveStopLosses} consecutive stop losses`,
    },
  ];
  let best: { level: BreakerLevel; cause: string | null } = { level: 'ok', cause: null };
  for (const c of candidates) if (RANK[c.level] > RANK[best.level]) best = c;
  return { ...best, dailyLossFraction, drawdownFraction };
}

/**
 * First scan of a trade date for this scenario: re-arm the day (baseline = current equity, stop-loss
 * streak 0) and drop `warn`/`reduce_only` so they are re-evaluated; `halted` stays. Mutates `s`.
 */
export function rollTradeDate(s: ScenarioState, tradeDate: TradeDate, equity: number): void {
  if (s.breaker.tradeDate === tradeDate) return;
  s.dailyBaseline = { tradeDate, equity };
  s.consecutiveStopLosses = 0;
  s.breaker = {
    level: s.breaker.level === 'halted' ? 'halted' : 'ok',
    tradeDate,
    cause: s.breaker.level === 'halted' ? s.breaker.cause : null,
  };
}

/**
 * Re-evaluate a scenario's own level after its exits (mutates `s`): the high-water mark takes the current
 * equity, then the level rises to what the figures call for and never falls within the trade date.
 * Returns the change, if any; `previous` is the level the scan started with (before any roll-over).
 */
export function evaluateScenarioBreaker(
  s: ScenarioState,
  scenario: ScenarioConfig,
  equity: number,
  previous: BreakerLevel,
): BreakerChange | null {
  s.highWaterMark = Math.max(s.highWaterMark, equity);
  const reading = readScenarioBreaker(s, scenario, equity);
  if (RANK[reading.level] > RANK[s.breaker.level]) {
    s.breaker = { ...s.breaker, level: reading.level, cause: reading.cause };
  }
  if (s.breaker.level === previous) return null;
  return {
    scenario: s.scenario,
    from: previous,
    to: s.breaker.level,
    cause: s.breaker.cause ?? 'new session: re-evaluated',
  };
}

/**
 * Global level: HALT file → halted while present; N failed scans in a row (market data failed for every
 * underlying) → reduce_only until a clean scan (market data for every underlying). A scan in between
 * (some underlyings failed) breaks the row but does not clear a condition already reached, so
 * `consecutiveFailedScans` then stays where it was. `cleanScan` defaults to "not failed".
 */
export function evaluateGlobalBreaker(
  g: GlobalBreakerState,
  failedScan: boolean,
  haltRequested: boolean,
  maxConsecutiveFailedScans: number,
  cleanScan: boolean = !failedScan,
): { next: GlobalBreakerState; change: BreakerChange | null } {
  const active = g.consecutiveFailedScans >= maxConsecutiveFailedScans;
  const consecutiveFailedScans = failedScan
    ? g.consecutiveFailedScans + 1
    : !cleanScan && active
      ? g.consecutiveFailedScans
      : 0;
  let level: BreakerLevel = 'ok';
  let cause: string | null = null;
  if (haltRequested) {
    level = 'halted';
    cause = 'HALT file present';
  } else if (consecutiveFailedScans >= maxConsecutiveFailedScans) {
    level = 'reduce_only';
    cause = failedScan
      ? `${consecutiveFailedScans} consecutive scans without market data for any underlying`
      : 'failed scans: waiting for a clean scan (market data still missing for some underlyings)';
  }
  const next: GlobalBreakerState = { consecutiveFailedScans, level, cause };
  const change =
    level === g.level
      ? null
      : {
          scenario: 'global',
          from: g.level,
          to: level,
          cause: cause ?? (g.level === 'halted' ? 'HALT file removed' : 'clean scan'),
        };
  return { next, change };
}

/**
 * Operator reset of one scenario's breaker (`scan-cycle breaker reset --scenario ID`): level `ok`, and the
 * day re-armed from the next scan (new daily baseline, empty stop-loss streak, high-water mark set to the
 * current equity so a drawdown already acknowledged does not re-trip at once). Returns a new state.
 */
export function resetBreaker(state: EngineState, scenarioId: string, currentEquity?: number): EngineState {
  const s = state.scenarios[scenarioId];
  if (!s) {
    const known = Object.keys(state.scenarios).join(', ') || 'none';
    throw new EngineError(
      'unknown_scenario',
      `resetBreaker: no scenario ${scenarioId} in state (known: ${known})`,
    );
  }
  const equity = currentEquity ?? equityOf(s).equity;
  const next: ScenarioState = {
    ...s,
    highWaterMark: equity,
    dailyBaseline: null,
    consecutiveStopLosses: 0,
    breaker: { level: 'ok', tradeDate: null, cause: null },
  };
  return { ...state, scenarios: { ...state.scenarios, [scenarioId]: next } };
}
