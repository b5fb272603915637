/**
 * Entry selection, SPEC 4.1, 4.2 steps 1–6 and 4.2.1: at most one candidate spread per scenario and
 * underlying, with a printable account of why every tried short failed.
 */
import type { CalendarExtras, ScenarioConfig, UniverseEntry } from '../config/schema.js';
import { optionRootsOf } from '../config/universe.js';
import type { MarketSnapshot, OptionQuote, TradeDate } from '../domain/types.js';
import { EPS, floorToTick } from '../math/rounding.js';
import { isValidQuote, midOf } from './quotes.js';
import { type DeltaSource, deltaSourceAt, type ExpiryChain, SnapshotIndex } from './snapshot-index.js';

export interface LegQuote {
  ticker: string;
  strike: number;
  bid: number;
  ask: number;
  mid: number;
  openInterest: number;
}

/** A spread that passed selection (before gates and sizing). */
export interface EntryCandidate {
  scenario: string;
  underlying: string;
  expiry: TradeDate;
  dte: number;
  underlyingPrice: number;
  shortStrike: number;
  longStrike: number;
  shortTicker: string;
  longTicker: string;
  /** Actual width W = shortStrike − longStrike. */
  width: number;
  /** Limit credit C: the `limit_price` credit rounded down to the tick. */
  credit: number;
  midCredit: number;
  naturalCredit: number;
  /** Signed delta of the short (negative) and where it came from. */
  shortDelta: number;
  shortDeltaSource: DeltaSource;
  short: LegQuote;
  long: LegQuote;
}

export type ShortRejection =
  | 'no_long_leg'
  | 'width_exceeded'
  | 'short_illiquid'
  | 'long_illiquid'
  | 'credit_below_floor'
  | 'credit_not_below_width';

export interface ShortAttempt {
  shortStrike: number;
  shortDelta: number;
  longStrike: number | null;
  width: number | null;
  credit: number | null;
  outcome: 'ok' | ShortRejection;
  /** Human-readable: the numbers behind the outcome. */
  detail: string;
}

export interface ExpiryAttempt {
  expiry: TradeDate;
  dte: number;
  /** Puts that passed the short filters (valid quote, bid > 0, strike < S, delta in range). */
  eligibleShorts: number;
  attempts: ShortAttempt[];
  outcome: 'ok' | 'no_eligible_short' | 'no_short_passed';
}

export type SelectionReason = 'no_underlying_price' | 'no_chain' | 'no_expiry_in_window' | 'no_spread';

export interface UnderlyingSelection {
  scenario: string;
  underlying: string;
  candidate: EntryCandidate | null;
  /** Null when there is a candidate. */
  reason: SelectionReason | null;
  /** Expiries tried, in order (only with explanations on). */
  expiries: ExpiryAttempt[];
}

/**
 * Select entry candidates of one scenario for every underlying of its universe, in universe order.
 * `calendar` is accepted for symmetry with the rest of the API; selection needs no holiday data
 * (DTE counts calendar days and T runs to 16:00 New York on the expiry even on early-close days).
 */
export function selectEntries(
  snapshot: MarketSnapshot,
  scenario: ScenarioConfig,
  nowMs: number,
  calendar?: CalendarExtras,
  index: SnapshotIndex = new SnapshotIndex(snapshot, nowMs),
): UnderlyingSelection[] {
  void calendar;
  return scenario.universe.map((u) => selectForUnderlying(index, scenario, u, true));
}

interface ShortChoice {
  i: number;
  absDelta: number;
  /** |abs(delta) − target|. */
  distance: number;
  delta: number;
  source: DeltaSource;
}

/** Selection for one universe entry; `explain` records every attempt (off in the hot scan path). */
export function selectForUnderlying(
  index: SnapshotIndex,
  scenario: ScenarioConfig,
  u: UniverseEntry,
  explain: boolean,
): UnderlyingSelection {
  if (explain) return selectUncached(index, scenario, u, true);
  const key = selectionKey(scenario, u);
  let shared = index.selectionMemo.get(key) as UnderlyingSelection | undefined;
  if (!shared) {
    shared = selectUncached(index, scenario, u, false);
    index.selectionMemo.set(key, shared);
  }
  if (shared.scenario === scenario.id) return shared;
  return {
    ...shared,
    scenario: scenario.id,
    candidate: shared.candidate && { ...shared.candidate, scenario: scenario.id },
  };
}

/** Everything selection depends on besides the snapshot: equal keys give equal selections. */
function selectionKey(s: ScenarioConfig, u: UniverseEntry): string {
  const e = s.entry;
  return JSON.stringify([
    u.underlying,
    optionRootsOf(u),
    u.width,
    u.tick,
    u.dividend_yield,
    e.dte,
    e.short_delta,
    e.max_width_multiple,
    e.min_credit,
    e.liquidity,
    e.max_quote_age_seconds,
    e.limit_price,
    s.pricing.risk_free_rate,
  ]);
}

function selectUncached(
  index: SnapshotIndex,
  scenario: ScenarioConfig,
  u: UniverseEntry,
  explain: boolean,
): UnderlyingSelection {
  const result: UnderlyingSelection = {
    scenario: scenario.id,
    underlying: u.underlying,
    candidate: null,
    reason: null,
    expiries: [],
  };
  const S = index.priceOf(u.underlying);
  if (S === null) return { ...result, reason: 'no_underlying_price' };
  if (!index.hasChain(u.underlying)) return { ...result, reason: 'no_chain' };
  const { dte: window } = scenario.entry;
  const expiries = index
    .expiries(u.underlying, optionRootsOf(u))
    .filter((c) => c.dte >= window.min && c.dte <= window.max)
    // Closest to target first; ties to the later expiry.
    .sort(
      (a, b) =>
        Math.abs(a.dte - window.target) - Math.abs(b.dte - window.target) || (a.expiry < b.expiry ? 1 : -1),
    );
  if (expiries.length === 0) return { ...result, reason: 'no_expiry_in_window' };
  for (const chain of expiries) {
    const attempt = tryExpiry(index, scenario, u, chain, S, explain);
    if (explain) result.expiries.push(attempt.explained);
    if (attempt.candidate) return { ...result, candidate: attempt.candidate };
  }
  return { ...result, reason: 'no_spread' };
}

/** First position in ascending `xs` whose value is >= `x`. */
function lowerBound(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function tryExpiry(
  index: SnapshotIndex,
  scenario: ScenarioConfig,
  u: UniverseEntry,
  chain: ExpiryChain,
  S: number,
  explain: boolean,
): { candidate: EntryCandidate | null; explained: ExpiryAttempt } {
  const { entry, pricing } = scenario;
  const { nowMs } = index;
  const maxAge = entry.max_quote_age_seconds;
  const { min, max, target } = entry.short_delta;
  const puts = chain.puts;
  const table = index.deltaTable(chain, S, pricing.risk_free_rate, u.dividend_yield);
  // Eligible shorts: the pool's abs(delta) range [min, max] widened by the tolerance.
  const pool = index.shortPool(table, maxAge);
  const shorts: ShortChoice[] = [];
  for (let k = lowerBound(pool.absDelta, min - EPS); k < pool.absDelta.length; k++) {
    const absDelta = pool.absDelta[k]!;
    if (absDelta > max + EPS) break;
    const i = pool.index[k]!;
    const distance = Math.abs(absDelta - target);
    shorts.push({ i, absDelta, distance, delta: table.values[i]!, source: deltaSourceAt(table, i) });
  }
  orderShorts(shorts, puts);
  const explained: ExpiryAttempt = {
    expiry: chain.expiry,
    dte: chain.dte,
    eligibleShorts: shorts.length,
    attempts: [],
    outcome: shorts.length === 0 ? 'no_eligible_short' : 'no_short_passed',
  };
  for (const s of shorts) {
    const outcome = tryShort(scenario, u, chain, S, s, nowMs, explain);
    if (outcome.attempt) explained.attempts.push(outcome.attempt);
    if (outcome.candidate) {
      explained.outcome = 'ok';
      return { candidate: outcome.candidate, explained };
    }
  }
  return { candidate: null, explained };
}

const byStrikeThenChain =
  (puts: readonly OptionQuote[]) =>
  (a: ShortChoice, b: ShortChoice): number =>
    puts[a.i]!.strike - puts[b.i]!.strike || a.i - b.i;

/**
 * Closest to the target delta first; distances within 1e-9 are a tie, resolved to the lower strike (then
 * chain order). "Within 1e-9" is not transitive, so ties are taken against the closest short of each run
 * of near-equal distances: a total order, the same in every JavaScript engine.
 */
function orderShorts(shorts: ShortChoice[], puts: readonly OptionQuote[]): void {
  const tieBreak = byStrikeThenChain(puts);
  shorts.sort((a, b) => a.distance - b.distance || tieBreak(a, b));
  for (let start = 0; start < shorts.length; ) {
    let end = start + 1;
    while (end < shorts.length && shorts[end]!.distance - shorts[start]!.distance <= EPS) end++;
    if (end - start > 1) {
      const group = shorts.slice(start, end).sort(tieBreak);
      for (let k = 0; k < group.length; k++) shorts[start + k] = group[k]!;
    }
    start = end;
  }
}

const legQuote = (c: OptionQuote): LegQuote => ({
  ticker: c.ticker,
  strike: c.strike,
  bid: c.bid as number,
  ask: c.ask as number,
  mid: midOf(c),
  openInterest: c.openInterest ?? 0,
});

/** (ask − bid) <= max(abs, fraction × mid) and open interest >= min, each within 1e-9. */
function isLiquid(leg: LegQuote, liquidity: ScenarioConfig['entry']['liquidity']): boolean {
  const allowed = Math.max(liquidity.max_leg_spread_abs, liquidity.max_leg_spread_fraction_of_mid * leg.mid);
  return leg.ask - leg.bid <= allowed + EPS && leg.openInterest >= liquidity.min_open_interest - EPS;
}

function liquidityProblem(leg: LegQuote, liquidity: ScenarioConfig['entry']['liquidity']): string | null {
  const spread = leg.ask - leg.bid;
  const allowed = Math.max(liquidity.max_leg_spread_abs, liquidity.max_leg_spread_fraction_of_mid * leg.mid);
  if (spread > allowed + EPS)
    return `bid/ask ${leg.bid}/${leg.ask} spread ${round6(spread)} > ${round6(allowed)}`;
  if (leg.openInterest < liquidity.min_open_interest - EPS) {
    return `open interest ${leg.openInterest} < ${liquidity.min_open_interest}`;
  }
  return null;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

type ShortOutcome = { candidate: EntryCandidate | null; attempt: ShortAttempt | null };

/** Shared result of a failed short when no explanation is wanted: nothing to allocate. */
const FAILED: ShortOutcome = { candidate: null, attempt: null };

function rejected(
  explain: boolean,
  s: ShortChoice,
  Ks: number,
  outcome: ShortRejection,
  longStrike: number | null,
  width: number | null,
  credit: number | null,
  detail: string,
): ShortOutcome {
  if (!explain) return FAILED;
  return {
    candidate: null,
    attempt: { shortStrike: Ks, shortDelta: s.delta, longStrike, width, credit, outcome, detail },
  };
}

function tryShort(
  scenario: ScenarioConfig,
  u: UniverseEntry,
  chain: ExpiryChain,
  S: number,
  s: ShortChoice,
  nowMs: number,
  explain: boolean,
): ShortOutcome {
  const { entry } = scenario;
  const puts = chain.puts;
  const shortQ = puts[s.i]!;
  const Ks = shortQ.strike;
  // Highest listed strike <= Ks − width with a valid quote (bid 0 is fine for the long leg).
  const limit = Ks - u.width + EPS;
  let longQ: OptionQuote | null = null;
  for (let j = s.i - 1; j >= 0; j--) {
    const c = puts[j]!;
    if (c.strike > limit) continue;
    if (isValidQuote(c, nowMs, entry.max_quote_age_seconds)) {
      longQ = c;
      break;
    }
  }
  if (!longQ) {
    const detail = explain ? `no put at or below ${round6(Ks - u.width)} with a valid quote` : '';
    return rejected(explain, s, Ks, 'no_long_leg', null, null, null, detail);
  }
  const Kl = longQ.strike;
  const W = Ks - Kl;
  if (W > entry.max_width_multiple * u.width + EPS) {
    const detail = explain ? `width ${W} > ${entry.max_width_multiple} x ${u.width}` : '';
    return rejected(explain, s, Ks, 'width_exceeded', Kl, W, null, detail);
  }
  const shortLeg = legQuote(shortQ);
  const longLeg = legQuote(longQ);
  if (!isLiquid(shortLeg, entry.liquidity)) {
    const detail = explain ? `short ${Ks}: ${liquidityProblem(shortLeg, entry.liquidity)}` : '';
    return rejected(explain, s, Ks, 'short_illiquid', Kl, W, null, detail);
  }
  if (!isLiquid(longLeg, entry.liquidity)) {
    const detail = explain ? `long ${Kl}: ${liquidityProblem(longLeg, entry.liquidity)}` : '';
    return rejected(explain, s, Ks, 'long_illiquid', Kl, W, null, detail);
  }
  const midCredit = shortLeg.mid - longLeg.mid;
  const naturalCredit = shortLeg.bid - longLeg.ask;
  const C = floorToTick(entry.limit_price === 'mid' ? midCredit : naturalCredit, u.tick);
  const floor = Math.max(entry.min_credit.absolute, entry.min_credit.fraction_of_width * W);
  // A credit spread needs a positive credit even when the configured floor is 0.
  if (C < floor - EPS || !(C > 0)) {
    const detail = explain
      ? `credit ${C} < floor ${round6(floor)} (${entry.limit_price} ${round6(midCredit)})`
      : '';
    return rejected(explain, s, Ks, 'credit_below_floor', Kl, W, C, detail);
  }
  // C < W strictly; within 1e-9 is a tie, which fails (a spread never pays its full width).
  if (!(C < W - EPS)) {
    return rejected(
      explain,
      s,
      Ks,
      'credit_not_below_width',
      Kl,
      W,
      C,
      explain ? `credit ${C} >= width ${W}` : '',
    );
  }
  return {
    attempt: explain
      ? {
          shortStrike: Ks,
          shortDelta: s.delta,
          longStrike: Kl,
          width: W,
          credit: C,
          outcome: 'ok',
          detail: `credit ${C} on width ${W}`,
        }
      : null,
    candidate: {
      scenario: scenario.id,
      underlying: u.underlying,
      expiry: chain.expiry,
      dte: chain.dte,
      underlyingPrice: S,
      shortStrike: Ks,
      longStrike: Kl,
      shortTicker: shortQ.ticker,
      longTicker: longQ.ticker,
      width: W,
      credit: C,
      midCredit,
      naturalCredit,
      shortDelta: s.delta,
      shortDeltaSource: s.source,
      short: shortLeg,
      long: longLeg,
    },
  };
}

/** One line per underlying, then one per tried short: for notebooks and logs. */
export function describeSelections(selections: readonly UnderlyingSelection[]): string {
  const lines: string[] = [];
  for (const s of selections) {
    const c = s.candidate;
    lines.push(
      c
        ? `${s.scenario} ${s.underlying}: ${c.expiry} ${c.shortStrike}/${c.longStrike}P credit ${c.credit} width ${c.width} delta ${c.shortDelta.toFixed(4)} (${c.shortDeltaSource})`
        : `${s.scenario} ${s.underlying}: no candidate (${s.reason})`,
    );
    for (const e of s.expiries) {
      lines.push(`  ${e.expiry} dte ${e.dte}: ${e.eligibleShorts} eligible shorts, ${e.outcome}`);
      for (const a of e.attempts) {
        lines.push(`    short ${a.shortStrike} delta ${a.shortDelta.toFixed(4)}: ${a.outcome} (${a.detail})`);
      }
    }
  }
  return lines.join('\n');
}
