/**
 * Marks and exit decisions, SPEC 4.3: one reason per exit, in precedence order expired →
 * expiration_day → stop_loss → profit_target → dte_exit. A stale mark takes no stop/target/DTE decision.
 */
import type { SessionBounds } from '../calendar/index.js';
import { dte, nyTimeToUtcMs } from '../calendar/index.js';
import type { ScenarioConfig } from '../config/schema.js';
import type { OpenPosition } from '../domain/state.js';
import type { BreakerLevel, CloseReason, OptionQuote, TradeDate } from '../domain/types.js';
import { ceilToTick, EPS } from '../math/rounding.js';
import { isValidQuote, midOf } from '../select/quotes.js';

const MS_PER_MINUTE = 60_000;
/** Minutes before an early close by which expiring positions are closed. */
const EARLY_CLOSE_EXIT_LEAD_MINUTES = 15;

export type MarkResult =
  | { status: 'fresh'; debit: number }
  | {
      status: 'stale';
      /** `underlying_unavailable`: the underlying's market data failed this scan (set by the scan). */
      why: 'missing_quote' | 'invalid_quote' | 'out_of_range' | 'underlying_unavailable';
      debit: number | null;
    };

/** D = mid_short − mid_long from valid quotes; outside [0, W] or from invalid quotes it is stale. */
export function markSpread(
  position: Pick<OpenPosition, 'width'>,
  shortQuote: OptionQuote | null,
  longQuote: OptionQuote | null,
  nowMs: number,
  maxQuoteAgeSeconds: number,
): MarkResult {
  if (!shortQuote || !longQuote) return { status: 'stale', why: 'missing_quote', debit: null };
  if (
    !isValidQuote(shortQuote, nowMs, maxQuoteAgeSeconds) ||
    !isValidQuote(longQuote, nowMs, maxQuoteAgeSeconds)
  ) {
    return { status: 'stale', why: 'invalid_quote', debit: null };
  }
  const debit = midOf(shortQuote) - midOf(longQuote);
  if (debit < -EPS || debit > position.width + EPS) return { status: 'stale', why: 'out_of_range', debit };
  return { status: 'fresh', debit: Math.min(Math.max(debit, 0), position.width) };
}

/** Settlement value of a put spread at underlying price S: clamp(K_s − S, 0, W). */
export const intrinsicDebit = (p: Pick<OpenPosition, 'shortStrike' | 'width'>, S: number): number =>
  Math.min(Math.max(p.shortStrike - S, 0), p.width);

export interface ExitContext {
  scenario: ScenarioConfig;
  tradeDate: TradeDate;
  nowMs: number;
  session: SessionBounds | null;
  /** Underlying price of this scan, null when its fetch failed. */
  underlyingPrice: number | null;
  mark: MarkResult;
  /** Governing breaker level: `halted` allows only expiration bookkeeping. */
  level: BreakerLevel;
  /** Price increment of the underlying's spreads. */
  tick: number;
}

export type ExitEvaluation =
  | { exit: true; reason: CloseReason; debit: number }
  | {
      exit: false;
      /** Why nothing happened: nothing due, a stale mark, a halt, or a due exit without a price. */
      why: 'none' | 'stale_mark' | 'halted' | 'no_settlement_price' | 'no_price';
    };

/** The instant from which an expiring position is closed on its expiration day. */
export function expirationDayCutoffMs(
  scenario: ScenarioConfig,
  tradeDate: TradeDate,
  session: SessionBounds | null,
): number {
  const configured = nyTimeToUtcMs(tradeDate, scenario.exit.expiration_day_close_time);
  if (session?.earlyClose)
    return Math.min(configured, session.closeMs - EARLY_CLOSE_EXIT_LEAD_MINUTES * MS_PER_MINUTE);
  return configured;
}

export function evaluateExit(p: OpenPosition, ctx: ExitContext): ExitEvaluation {
  const { scenario, tradeDate, mark } = ctx;
  if (p.expiry < tradeDate) {
    if (ctx.underlyingPrice === null) return { exit: false, why: 'no_settlement_price' };
    return { exit: true, reason: 'expired', debit: intrinsicDebit(p, ctx.underlyingPrice) };
  }
  if (ctx.level === 'halted') return { exit: false, why: 'halted' };
  if (p.expiry === tradeDate && ctx.nowMs >= expirationDayCutoffMs(scenario, tradeDate, ctx.session)) {
    // Closing is due whatever the quotes: fresh mark, else the last good one, else intrinsic.
    const D =
      mark.status === 'fresh'
        ? mark.debit
        : (p.lastMark ?? (ctx.underlyingPrice !== null ? intrinsicDebit(p, ctx.underlyingPrice) : null));
    if (D === null) return { exit: false, why: 'no_price' };
    return { exit: true, reason: 'expiration_day', debit: ceilToTick(D, ctx.tick) };
  }
  if (mark.status !== 'fresh') return { exit: false, why: 'stale_mark' };
  const D = mark.debit;
  const C = p.entryCredit;
  const { stop_loss_multiple: stop, profit_target_fraction: target, dte_exit: dteExit } = scenario.exit;
  const debit = ceilToTick(D, ctx.tick);
  if (stop !== null && D >= (1 + stop) * C - EPS) return { exit: true, reason: 'stop_loss', debit };
  if (target !== null && D <= (1 - target) * C + EPS) return { exit: true, reason: 'profit_target', debit };
  if (dteExit !== null && dte(tradeDate, p.expiry) <= dteExit)
    return { exit: true, reason: 'dte_exit', debit };
  return { exit: false, why: 'none' };
}
