import type { MarketSnapshot, OpenPosition, OptionQuote, TradeDate } from '../src/index.js';
import { occTicker } from '../src/testing/index.js';

/** Friday 2026-04-10, 11:00 New York (EDT): inside the entry window of the example scenario. */
export const NOW_MS = Date.parse('2026-04-10T15:00:00Z');
export const EXPIRY = '2026-05-15'; // DTE 35 from 2026-04-10

export interface PutSpec {
  strike: number;
  bid?: number | null;
  ask?: number | null;
  delta?: number | null;
  iv?: number | null;
  oi?: number | null;
  expiry?: TradeDate;
  quoteTimeMs?: number | null;
  root?: string;
  underlying?: string;
}

export function put(spec: PutSpec): OptionQuote {
  const underlying = spec.underlying ?? 'SPY';
  const root = spec.root ?? underlying;
  const expiry = spec.expiry ?? EXPIRY;
  return {
    ticker: occTicker(root, expiry, 'put', spec.strike),
    root,
    underlying,
    type: 'put',
    expiry,
    strike: spec.strike,
    bid: spec.bid === undefined ? 1 : spec.bid,
    ask: spec.ask === undefined ? 1.02 : spec.ask,
    quoteTimeMs: spec.quoteTimeMs ?? null,
    openInterest: spec.oi === undefined ? 1000 : spec.oi,
    vendorDelta: spec.delta === undefined ? null : spec.delta,
    vendorIv: spec.iv ?? null,
  };
}

/** A quote with mid `mid` and a one-cent-each-side spread. */
export const q = (mid: number) => ({
  bid: Math.round((mid - 0.01) * 100) / 100,
  ask: Math.round((mid + 0.01) * 100) / 100,
});

export function snapshot(
  chains: Record<string, { price: number; puts: OptionQuote[] }>,
  options: { vix?: number | null; asOfMs?: number; legs?: OptionQuote[] } = {},
): MarketSnapshot {
  const asOfMs = options.asOfMs ?? NOW_MS;
  return {
    asOfMs,
    vix: options.vix === undefined ? 17 : options.vix,
    underlyings: Object.fromEntries(
      Object.entries(chains).map(([symbol, c]) => [symbol, { symbol, price: c.price, timeMs: asOfMs }]),
    ),
    chains: Object.fromEntries(Object.entries(chains).map(([symbol, c]) => [symbol, c.puts])),
    legs: Object.fromEntries((options.legs ?? []).map((l) => [l.ticker, l])),
    errors: [],
  };
}

/**
 * The canonical SPY chain: short 495 (delta −0.25, mid 2.02) and long 490 (mid 0.42) give the example
 * scenario a 495/490 spread at credit 1.60.
 */
export function spyChain(extra: OptionQuote[] = []): OptionQuote[] {
  return [
    put({ strike: 485, ...q(0.2), delta: -0.08 }),
    put({ strike: 490, ...q(0.42), delta: -0.15 }),
    put({ strike: 495, ...q(2.02), delta: -0.25 }),
    put({ strike: 500, ...q(3.2), delta: -0.34 }),
    ...extra,
  ];
}

/** An open LT_RC SPY 495/490 position (credit 1.60, 5 lots, last mark 1.50); override any field. */
export function openPosition(over: Partial<OpenPosition> = {}): OpenPosition {
  return {
    underlying: 'SPY',
    optionType: 'put',
    expiry: EXPIRY,
    shortStrike: 495,
    longStrike: 490,
    shortTicker: 'O:SPY260515P00495000',
    longTicker: 'O:SPY260515P00490000',
    scenario: 'LT_RC',
    positionSeq: 1,
    intentId: 'LT_RC:2026-04-01:SPY:20260515:495:490:open:1',
    quantity: 5,
    width: 5,
    entryCredit: 1.6,
    entryFees: 6.5,
    openedAt: '2026-04-01T15:00:00.000Z',
    openedTradeDate: '2026-04-01',
    lastMark: 1.5,
    lastMarkAt: '2026-04-09T15:00:00.000Z',
    bookedAs: 'paper_filled',
    ...over,
  };
}
