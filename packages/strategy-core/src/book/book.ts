/**
 * Paper book and equity, SPEC 4.4. Amounts are kept at full precision; records round at their boundary.
 */
import type { ScenarioConfig } from '../config/schema.js';
import type { ClosedTrade, OpenPosition, ScenarioState, ScenarioSummary } from '../domain/state.js';
import type {
  BreakerLevel,
  CloseReason,
  DecisionStatus,
  IsoUtc,
  SpreadLegs,
  TradeDate,
} from '../domain/types.js';

export const CONTRACT_MULTIPLIER = 100;
/** How many closed trades a book keeps verbatim; the totals stay complete. */
export const RECENT_CLOSED_LIMIT = 200;

/** Fees of one side (open or close) of a 2-leg spread. */
export const spreadFees = (scenario: ScenarioConfig, quantity: number): number =>
  scenario.pricing.fees_per_contract_per_leg * 2 * quantity;

/** A fresh book for a scenario that has not traded yet. */
export function freshScenarioState(scenario: ScenarioConfig): ScenarioState {
  const equity = scenario.capital.starting_equity;
  return {
    scenario: scenario.id,
    startingEquity: equity,
    nextPositionSeq: 1,
    open: [],
    recentClosed: [],
    realizedPnl: 0,
    tradeCount: 0,
    closedCount: 0,
    highWaterMark: equity,
    dailyBaseline: null,
    consecutiveStopLosses: 0,
    breaker: { level: 'ok', tradeDate: null, cause: null },
  };
}

/** (C − D) × 100 × qty − entry fees, with D the last good mark (the credit itself before any mark). */
export function unrealizedPnl(p: OpenPosition, markOverride?: number): number {
  const D = markOverride ?? p.lastMark ?? p.entryCredit;
  return (p.entryCredit - D) * CONTRACT_MULTIPLIER * p.quantity - p.entryFees;
}

export interface EquityBreakdown {
  equity: number;
  realizedPnl: number;
  unrealizedPnl: number;
}

/** equity = starting_equity + Σ realized + Σ unrealized. `marks` overrides last marks by intent id. */
export function equityOf(s: ScenarioState, marks?: Readonly<Record<string, number>>): EquityBreakdown {
  let unrealized = 0;
  for (const p of s.open) unrealized += unrealizedPnl(p, marks?.[p.intentId]);
  return {
    equity: s.startingEquity + s.realizedPnl + unrealized,
    realizedPnl: s.realizedPnl,
    unrealizedPnl: unrealized,
  };
}

export interface FillEntry {
  legs: SpreadLegs;
  quantity: number;
  width: number;
  credit: number;
  intentId: string;
  /** Mark of the spread at the fill (its mid debit), the first unrealized P&L reference. */
  markDebit: number | null;
  ts: IsoUtc;
  tradeDate: TradeDate;
  bookedAs: DecisionStatus;
}

/** Book an entry fill; consumes the scenario's next position sequence number. Mutates `s`. */
export function bookEntry(s: ScenarioState, scenario: ScenarioConfig, fill: FillEntry): OpenPosition {
  if (!(fill.quantity >= 1) || !Number.isInteger(fill.quantity)) {
    throw new RangeError(`bookEntry: quantity must be a positive integer, got ${fill.quantity}`);
  }
  const position: OpenPosition = {
    ...fill.legs,
    scenario: s.scenario,
    positionSeq: s.nextPositionSeq,
    intentId: fill.intentId,
    quantity: fill.quantity,
    width: fill.width,
    entryCredit: fill.credit,
    entryFees: spreadFees(scenario, fill.quantity),
    openedAt: fill.ts,
    openedTradeDate: fill.tradeDate,
    lastMark: fill.markDebit,
    lastMarkAt: fill.markDebit === null ? null : fill.ts,
    bookedAs: fill.bookedAs,
  };
  s.open.push(position);
  s.nextPositionSeq += 1;
  s.tradeCount += 1;
  return position;
}

/** Book an exit fill at `debit`; removes the position and returns the closed trade. Mutates `s`. */
export function bookExit(
  s: ScenarioState,
  scenario: ScenarioConfig,
  position: OpenPosition,
  exit: { debit: number; reason: CloseReason; closeIntentId: string; ts: IsoUtc; tradeDate: TradeDate },
): ClosedTrade {
  const at = s.open.indexOf(position);
  if (at < 0) throw new RangeError(`bookExit: position ${position.intentId} is not open in ${s.scenario}`);
  const exitFees = spreadFees(scenario, position.quantity);
  const realized =
    (position.entryCredit - exit.debit) * CONTRACT_MULTIPLIER * position.quantity -
    position.entryFees -
    exitFees;
  const closed: ClosedTrade = {
    ...position,
    closeIntentId: exit.closeIntentId,
    exitDebit: exit.debit,
    exitFees,
    closeReason: exit.reason,
    closedAt: exit.ts,
    closedTradeDate: exit.tradeDate,
    realizedPnl: realized,
  };
  s.open.splice(at, 1);
  s.recentClosed = [...s.recentClosed, closed].slice(-RECENT_CLOSED_LIMIT);
  s.realizedPnl += realized;
  s.closedCount += 1;
  s.consecutiveStopLosses = exit.reason === 'stop_loss' ? s.consecutiveStopLosses + 1 : 0;
  return closed;
}

export function summarizeScenario(
  s: ScenarioState,
  level: BreakerLevel,
  marks?: Readonly<Record<string, number>>,
): ScenarioSummary {
  const e = equityOf(s, marks);
  return {
    scenario: s.scenario,
    equity: e.equity,
    realizedPnl: e.realizedPnl,
    unrealizedPnl: e.unrealizedPnl,
    openPositions: s.open.length,
    tradeCount: s.tradeCount,
    closedCount: s.closedCount,
    breaker: level,
  };
}
