import type { TradeDate } from '../domain/types.js';

/**
 * `LT_RC:2026-04-10:SPY:20260515:495:490:open:17`: scenario, trade date, underlying, expiry, short and
 * long strikes, side and the position's sequence number. Deterministic, so a restart or a repeated
 * precheck of the same decision keeps its id, while a later re-entry (a new sequence number) gets a new one.
 */
export function intentId(
  scenario: string,
  tradeDate: TradeDate,
  legs: { underlying: string; expiry: TradeDate; shortStrike: number; longStrike: number },
  side: 'open' | 'close',
  positionSeq: number,
): string {
  const expiry = legs.expiry.replaceAll('-', '');
  return `${scenario}:${tradeDate}:${legs.underlying}:${expiry}:${legs.shortStrike}:${legs.longStrike}:${side}:${positionSeq}`;
}
