import type {
  BreakerLevel,
  CloseReason,
  DecisionStatus,
  GateReason,
  IsoUtc,
  ScanError,
  SpreadLegs,
  TradeDate,
} from './types.js';

/** An open spread in a scenario's book. */
export interface OpenPosition extends SpreadLegs {
  scenario: string;
  /** Ordinal of this position since the scenario started (1, 2, …); part of `intentId`. */
  positionSeq: number;
  intentId: string;
  quantity: number;
  /** Width W = shortStrike − longStrike. */
  width: number;
  /** Limit credit C per share. */
  entryCredit: number;
  entryFees: number;
  openedAt: IsoUtc;
  openedTradeDate: TradeDate;
  /** Last good mark D (debit to close, per share); null until one was taken. */
  lastMark: number | null;
  lastMarkAt: IsoUtc | null;
  /** The broker status under which it was booked (`paper_filled`, `precheck_ok`, `filled`, …). */
  bookedAs: DecisionStatus;
}

export interface ClosedTrade extends OpenPosition {
  closeIntentId: string;
  exitDebit: number;
  exitFees: number;
  closeReason: CloseReason;
  closedAt: IsoUtc;
  closedTradeDate: TradeDate;
  realizedPnl: number;
}

export interface ScenarioBreakerState {
  level: BreakerLevel;
  /** Trade date the latched level applies to (re-evaluated at the next session open). */
  tradeDate: TradeDate | null;
  cause: string | null;
}

/** One scenario's book and breaker, plain JSON. */
export interface ScenarioState {
  scenario: string;
  startingEquity: number;
  /** Sequence number the next opened position will get. */
  nextPositionSeq: number;
  open: OpenPosition[];
  /** Most recent closed trades (bounded; totals below are complete). */
  recentClosed: ClosedTrade[];
  realizedPnl: number;
  tradeCount: number;
  closedCount: number;
  highWaterMark: number;
  /** Equity at the first scan of `dailyBaseline.tradeDate`. */
  dailyBaseline: { tradeDate: TradeDate; equity: number } | null;
  consecutiveStopLosses: number;
  breaker: ScenarioBreakerState;
}

export interface GlobalBreakerState {
  consecutiveFailedScans: number;
  level: BreakerLevel;
  cause: string | null;
}

/** The whole engine state: versioned plain JSON the app persists after every scan and resumes from. */
export interface EngineState {
  version: 1;
  /** Number of completed scans (the next scan record gets scanCount + 1). */
  scanCount: number;
  lastScanAt: IsoUtc | null;
  lastTradeDate: TradeDate | null;
  global: GlobalBreakerState;
  /** By scenario id. */
  scenarios: Record<string, ScenarioState>;
}

/** An entry proposal as recorded in a scan record's `entries_proposed`. */
export interface EntryDecision extends SpreadLegs {
  scenario: string;
  quantity: number;
  credit: number;
  shortDelta: number;
  width: number;
  status: DecisionStatus;
  /** Gate name for `blocked`, broker error code for `precheck_rejected`/`rejected`, else null. */
  reason: GateReason | string | null;
  intentId: string;
}

/** An exit proposal as recorded in a scan record's `exits_proposed`. */
export interface ExitDecision extends SpreadLegs {
  scenario: string;
  quantity: number;
  debit: number;
  closeReason: CloseReason;
  status: DecisionStatus;
  reason: string | null;
  intentId: string;
  positionSeq: number;
}

export interface BreakerChange {
  /** Scenario id, or `global`. */
  scenario: string;
  from: BreakerLevel;
  to: BreakerLevel;
  cause: string;
}

/** Per-scenario figures for the comparison record. */
export interface ScenarioSummary {
  scenario: string;
  equity: number;
  realizedPnl: number;
  unrealizedPnl: number;
  openPositions: number;
  tradeCount: number;
  closedCount: number;
  breaker: BreakerLevel;
}

export interface ScanDecisions {
  entries: EntryDecision[];
  exits: ExitDecision[];
}

export interface ScanOutcome {
  /** Scan number of this scan (state.scanCount + 1). */
  scanCount: number;
  ts: IsoUtc;
  tradeDate: TradeDate;
  vix: number | null;
  underlyings: Record<string, { price: number }>;
  decisions: ScanDecisions;
  errors: ScanError[];
  breaker: { global: BreakerLevel; scenarios: Record<string, BreakerLevel> };
  breakerChanges: BreakerChange[];
  summaries: ScenarioSummary[];
}
