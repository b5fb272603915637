/**
 * Domain types shared by the engine, the adapters and the apps.
 *
 * Prices are per share (contract multiplier 100); times are epoch milliseconds (`…Ms`) or
 * ISO-8601 UTC strings with milliseconds (`IsoUtc`); trade dates are America/New_York calendar dates.
 */

/** `2026-04-10T14:30:45.123Z` */
export type IsoUtc = string;
/** `YYYY-MM-DD`, an America/New_York calendar date. */
export type TradeDate = string;
export type OptionType = 'put' | 'call';

/** One option contract as seen in a market snapshot. */
export interface OptionQuote {
  /** Vendor ticker with the `O:` prefix, e.g. `O:SPY260515P00495000`. */
  ticker: string;
  /** OCC root of the contract: `SPY`, `SPX`, `SPXW`, … */
  root: string;
  /** Domain underlying symbol (`SPY`, `SPX`), never the vendor's `I:` form. */
  underlying: string;
  type: OptionType;
  expiry: TradeDate;
  strike: number;
  bid: number | null;
  ask: number | null;
  /** Vendor quote time; null when the vendor gave none (taken as fresh). */
  quoteTimeMs: number | null;
  /** Prior-day open interest; null when missing (counts as 0). */
  openInterest: number | null;
  vendorDelta: number | null;
  vendorIv: number | null;
}

export interface UnderlyingQuote {
  /** Domain symbol (`SPY`, `SPX`). */
  symbol: string;
  price: number;
  timeMs: number | null;
}

export type ErrorSource = 'polygon' | 'saxo' | 'state' | 'parity_log' | 'engine' | 'config';

/** An error recorded in a scan record's `errors` array. */
export interface ScanError {
  source: ErrorSource;
  code: string;
  message: string;
  underlying?: string;
  scenario?: string;
}

/** Everything one scan needs, fetched once for all scenarios. */
export interface MarketSnapshot {
  /** Scan time `t` (virtual or real), epoch ms. */
  asOfMs: number;
  /** `I:VIX` value; null when it could not be fetched. */
  vix: number | null;
  /** By domain symbol; an underlying whose fetch failed is absent. */
  underlyings: Record<string, UnderlyingQuote>;
  /** Put chains by domain symbol, restricted to the planned expiries; absent when the fetch failed. */
  chains: Record<string, OptionQuote[]>;
  /** Current quotes of open-position legs, by option ticker (whatever their expiry). */
  legs: Record<string, OptionQuote>;
  /** Fetch errors (per underlying where it applies). */
  errors: ScanError[];
}

/** One underlying the market adapter must fetch for a scan. */
export interface SnapshotPlanUnderlying {
  /** Domain symbol (`SPY`, `SPX`). */
  symbol: string;
  /** Vendor ticker of the underlying (`SPY`, `I:SPX`). */
  vendorTicker: string;
  /** OCC roots to keep from the chain (`['SPY']`, `['SPXW']`). */
  optionRoots: string[];
  /** Inclusive expiry window: the union of every scenario's entry DTE window on this underlying. */
  expiryFrom: TradeDate;
  expiryTo: TradeDate;
}

/** What one scan must fetch: computed by the engine, executed by the market adapter. */
export interface SnapshotPlan {
  asOfMs: number;
  tradeDate: TradeDate;
  vixTicker: 'I:VIX';
  underlyings: SnapshotPlanUnderlying[];
  /** Option tickers of every open position's legs, across all scenarios, deduplicated and sorted. */
  legTickers: string[];
}

/** A bull put credit spread (sell `shortStrike`, buy `longStrike`, same expiry). */
export interface SpreadLegs {
  underlying: string;
  optionType: 'put';
  expiry: TradeDate;
  shortStrike: number;
  longStrike: number;
  shortTicker: string;
  longTicker: string;
}

export type BreakerLevel = 'ok' | 'warn' | 'reduce_only' | 'halted';

export type DecisionStatus =
  | 'proposed'
  | 'paper_filled'
  | 'precheck_ok'
  | 'precheck_rejected'
  | 'submitted'
  | 'filled'
  | 'rejected'
  | 'blocked';

export type GateReason =
  | 'session_window'
  | 'vix'
  | 'breaker'
  | 'duplicate'
  | 'max_open_positions'
  | 'max_per_underlying'
  | 'max_per_expiry'
  | 'size'
  | 'portfolio_risk';

export type CloseReason = 'expired' | 'expiration_day' | 'stop_loss' | 'profit_target' | 'dte_exit';

/** What a broker said about an entry or exit of the live-capable scenario. */
export type BrokerVerdict =
  | { status: 'precheck_ok' }
  | { status: 'precheck_rejected'; reason: string }
  | { status: 'filled'; price?: number }
  | { status: 'submitted' }
  | { status: 'rejected'; reason: string };
