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

/** The parts of an intent id, or null when `id` is not one `intentId` could have produced. */
export interface ParsedIntentId {
  scenario: string;
  tradeDate: TradeDate;
  underlying: string;
  /** `YYYY-MM-DD`. */
  expiry: TradeDate;
  shortStrike: number;
  longStrike: number;
  side: 'open' | 'close';
  positionSeq: number;
}

/** Inverse of `intentId`; the scenario is everything before the last seven fields (it may hold `:`). */
export function parseIntentId(id: string): ParsedIntentId | null {
  const parts = id.split(':');
  if (parts.length < 8) return null;
  const [tradeDate, underlying, expiry, short, long, side, seq] = parts.slice(-7) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const scenario = parts.slice(0, -7).join(':');
  const shortStrike = Number(short);
  const longStrike = Number(long);
  const positionSeq = Number(seq);
  if (
    scenario === '' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(tradeDate) ||
    !/^\d{8}$/.test(expiry) ||
    underlying === '' ||
    !Number.isFinite(shortStrike) ||
    !Number.isFinite(longStrike) ||
    (side !== 'open' && side !== 'close') ||
    !Number.isInteger(positionSeq) ||
    positionSeq < 1
  ) {
    return null;
  }
  return {
    scenario,
    tradeDate,
    underlying,
    expiry: `${expiry.slice(0, 4)}-${expiry.slice(4, 6)}-${expiry.slice(6)}`,
    shortStrike,
    longStrike,
    side,
    positionSeq,
  };
}
