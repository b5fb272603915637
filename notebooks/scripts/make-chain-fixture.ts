/**
 * Writes fixtures/chain-snapshot.json: a synthetic but realistic market snapshot (SPY and QQQ puts,
 * three expiries) priced with the engine's own Black–Scholes–Merton so quotes, IVs and deltas agree.
 * The market is a stressed one (VIX near 28, put IVs around 30%): the regime where a 30%-of-width
 * credit floor at 0.30 delta is reachable, so both scenarios find spreads. Deterministic.
 *
 * Run: pnpm --filter @aegis/notebooks fixture
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  bsmGreeks,
  bsmPrice,
  type MarketSnapshot,
  nyTimeToUtcMs,
  type OptionQuote,
  tradeDateOf,
  yearFractionToExpiry,
} from '@aegis/strategy-core';

const AS_OF_MS = nyTimeToUtcMs('2026-04-10', '11:00');
const EXPIRIES = ['2026-05-08', '2026-05-15', '2026-05-22'];
const RATE = 0.04;

interface UnderlyingSpec {
  symbol: string;
  price: number;
  dividendYield: number;
  atmIv: number;
  /** IV added per unit of log-moneyness below spot: the put skew. */
  skew: number;
  strikeStep: number;
}

const UNDERLYINGS: UnderlyingSpec[] = [
  { symbol: 'SPY', price: 512.34, dividendYield: 0.013, atmIv: 0.31, skew: 0.1, strikeStep: 1 },
  { symbol: 'QQQ', price: 441.2, dividendYield: 0.006, atmIv: 0.36, skew: 0.1, strikeStep: 1 },
];

/** mulberry32: a small seeded PRNG, so the fixture is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const cents = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

function occTicker(root: string, expiry: string, strike: number): string {
  const yymmdd = expiry.slice(2).replaceAll('-', '');
  return `O:${root}${yymmdd}P${String(Math.round(strike * 1000)).padStart(8, '0')}`;
}

function chainFor(spec: UnderlyingSpec, random: () => number): OptionQuote[] {
  const quotes: OptionQuote[] = [];
  const low = Math.ceil((spec.price * 0.82) / spec.strikeStep) * spec.strikeStep;
  const high = Math.floor((spec.price * 1.02) / spec.strikeStep) * spec.strikeStep;
  for (const expiry of EXPIRIES) {
    const T = yearFractionToExpiry(AS_OF_MS, expiry);
    for (let K = low; K <= high; K += spec.strikeStep) {
      const moneyness = Math.log(spec.price / K);
      const sigma = spec.atmIv + spec.skew * Math.max(0, moneyness) + 0.05 * Math.max(0, -moneyness);
      const input = { type: 'put' as const, S: spec.price, K, T, r: RATE, q: spec.dividendYield, sigma };
      const fair = bsmPrice(input);
      const { delta } = bsmGreeks(input);
      // Market makers quote a cent or two wide on liquid index ETF puts, wider on pricier ones.
      const halfSpread = Math.max(0.005, fair * (0.003 + 0.005 * random()));
      const bid = Math.max(0, cents(fair - halfSpread));
      const ask = Math.max(cents(fair + halfSpread), bid + 0.01);
      // Round strikes carry the open interest; a few odd strikes are thin.
      const roundStrike = K % 5 === 0;
      const openInterest = roundStrike
        ? Math.round(2_000 + random() * 20_000)
        : random() < 0.15
          ? Math.round(random() * 90)
          : Math.round(150 + random() * 3_000);
      quotes.push({
        ticker: occTicker(spec.symbol, expiry, K),
        root: spec.symbol,
        underlying: spec.symbol,
        type: 'put',
        expiry,
        strike: K,
        bid: cents(bid),
        ask: cents(ask),
        quoteTimeMs: AS_OF_MS - Math.round(random() * 30_000),
        openInterest,
        // Some contracts come without greeks, as vendors' snapshots do: the engine solves those.
        vendorDelta: random() < 0.1 ? null : round4(delta),
        vendorIv: random() < 0.05 ? null : round4(sigma),
      });
    }
  }
  return quotes;
}

const random = prng(20260410);
const snapshot: MarketSnapshot = {
  asOfMs: AS_OF_MS,
  vix: 27.84,
  underlyings: Object.fromEntries(
    UNDERLYINGS.map((u) => [u.symbol, { symbol: u.symbol, price: u.price, timeMs: AS_OF_MS - 1_000 }]),
  ),
  chains: Object.fromEntries(UNDERLYINGS.map((u) => [u.symbol, chainFor(u, random)])),
  legs: {},
  errors: [],
};

const target = fileURLToPath(new URL('../fixtures/chain-snapshot.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(snapshot, null, 1)}\n`);
const contracts = Object.values(snapshot.chains).reduce((n, c) => n + c.length, 0);
console.log(`wrote ${target}: ${contracts} puts, trade date ${tradeDateOf(AS_OF_MS)}`);
