/**
 * Adoption of a broker-confirmed fill the book does not hold yet (live mode): an order whose outcome
 * was lost (crash, timeout) and that a read-back later found filled. Pure: returns a new state.
 */
import { bookEntry, bookExit } from '../book/book.js';
import type { RunConfig } from '../config/schema.js';
import type { ClosedTrade, EngineState, OpenPosition, ScenarioState } from '../domain/state.js';
import type { CloseReason, IsoUtc, SpreadLegs, TradeDate } from '../domain/types.js';
import { parseIntentId } from './intent.js';

/** A fill the broker confirmed, as journaled before its order was sent. */
export interface BrokerFill {
  intentId: string;
  side: 'open' | 'close';
  legs: SpreadLegs;
  quantity: number;
  /** Net price per share: the credit of an opening fill, the debit of a closing one. */
  price: number;
  /** When the fill is adopted (the booking time). */
  ts: IsoUtc;
  tradeDate: TradeDate;
  /** Required for a closing fill: why the position was being closed. */
  closeReason?: CloseReason;
}

export type AdoptionSkip =
  | 'bad_intent_id'
  | 'unknown_scenario'
  | 'side_mismatch'
  | 'already_booked'
  | 'sequence_consumed'
  | 'position_not_open'
  | 'close_reason_unknown'
  | 'bad_fill';

export type AdoptionResult =
  | { adopted: true; state: EngineState; position: OpenPosition; closed: ClosedTrade | null }
  | { adopted: false; state: EngineState; why: AdoptionSkip; detail: string };

const sameSpread = (
  a: SpreadLegs,
  b: { underlying: string; expiry: string; shortStrike: number; longStrike: number },
) =>
  a.underlying === b.underlying &&
  a.expiry === b.expiry &&
  a.shortStrike === b.shortStrike &&
  a.longStrike === b.longStrike;

/**
 * Books `fill` into its scenario (named by the intent id): an opening fill becomes an open position with
 * the sequence number of its intent id (the scenario's next number moves past it); a closing fill closes
 * the open position with that sequence number at `price`. Refuses (with the reason) anything that could
 * book twice: an intent already in the book, an opening sequence number already used, a position that is
 * not open.
 */
export function adoptBrokerFill(state: EngineState, run: RunConfig, fill: BrokerFill): AdoptionResult {
  const skip = (why: AdoptionSkip, detail: string): AdoptionResult => ({
    adopted: false,
    state,
    why,
    detail: `${fill.intentId}: ${detail}`,
  });
  const id = parseIntentId(fill.intentId);
  if (id === null) return skip('bad_intent_id', 'not an intent id');
  if (id.side !== fill.side) return skip('side_mismatch', `intent side ${id.side}, fill side ${fill.side}`);
  if (!sameSpread(fill.legs, id)) return skip('bad_fill', 'legs differ from the intent id');
  if (!Number.isInteger(fill.quantity) || fill.quantity < 1 || !(fill.price >= 0)) {
    return skip('bad_fill', `quantity ${fill.quantity} / price ${fill.price} not usable`);
  }
  const cfg = run.scenarios.find((s) => s.id === id.scenario);
  const current = state.scenarios[id.scenario];
  if (cfg === undefined || current === undefined)
    return skip('unknown_scenario', `no scenario ${id.scenario}`);
  const s: ScenarioState = { ...current, open: current.open.map((p) => ({ ...p })) };

  if (fill.side === 'open') {
    if (
      s.open.some((p) => p.intentId === fill.intentId) ||
      s.recentClosed.some((p) => p.intentId === fill.intentId)
    ) {
      return skip('already_booked', 'the book already holds it');
    }
    if (id.positionSeq < s.nextPositionSeq) {
      return skip(
        'sequence_consumed',
        `position ${id.positionSeq} was already booked (next is ${s.nextPositionSeq})`,
      );
    }
    s.nextPositionSeq = id.positionSeq;
    const position = bookEntry(s, cfg, {
      legs: fill.legs,
      quantity: fill.quantity,
      width: fill.legs.shortStrike - fill.legs.longStrike,
      credit: fill.price,
      intentId: fill.intentId,
      markDebit: null,
      ts: fill.ts,
      tradeDate: fill.tradeDate,
      bookedAs: 'filled',
    });
    return { adopted: true, state: withScenario(state, s), position, closed: null };
  }

  const position = s.open.find((p) => p.positionSeq === id.positionSeq && sameSpread(p, id));
  if (position === undefined)
    return skip('position_not_open', `no open position ${id.positionSeq} on these legs`);
  if (fill.closeReason === undefined)
    return skip('close_reason_unknown', 'a closing fill needs its close reason');
  if (fill.quantity !== position.quantity) {
    return skip(
      'bad_fill',
      `closing quantity ${fill.quantity} differs from the position's ${position.quantity}`,
    );
  }
  const closed = bookExit(s, cfg, position, {
    debit: fill.price,
    reason: fill.closeReason,
    closeIntentId: fill.intentId,
    ts: fill.ts,
    tradeDate: fill.tradeDate,
  });
  return { adopted: true, state: withScenario(state, s), position, closed };
}

const withScenario = (state: EngineState, s: ScenarioState): EngineState => ({
  ...state,
  scenarios: { ...state.scenarios, [s.scenario]: s },
});
