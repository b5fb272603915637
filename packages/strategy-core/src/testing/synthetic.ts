/**
 * A deterministic synthetic put-chain snapshot: seeded underlying prices and VIX, a skewed volatility
 * surface, $1 (ETF) and 5-point (SPX) strike grids over weekly expiries, bid/ask widths, open interest,
 * and the gaps real feeds have (no greeks, no IV, no quote, stale or missing quote times).
 */
import { addDays, isTradingDay, tradeDateOf } from '../calendar/index.js';
import type { MarketSnapshot, OptionQuote, TradeDate, UnderlyingQuote } from '../domain/types.js';
import { bsmGreeks, bsmPriceUnchecked } from '../math/bsm.js';
import { roundTo } from '../math/rounding.js';

/** Seeded PRNG (mulberry32): a uniform draw in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** OCC-style vendor ticker: `O:SPY260515P00495000`. */
export function occTicker(root: string, expiry: TradeDate, type: 'put' | 'call', strike: number): string {
  const yymmdd = expiry.slice(2).replaceAll('-', '');
  return `O:${root}${yymmdd}${type === 'put' ? 'P' : 'C'}${String(Math.round(strike * 1000)).padStart(8, '0')}`;
}

export interface SyntheticUnderlying {
  symbol: string;
  price?: number;
  strikeStep?: number;
  root?: string;
  tick?: number;
  dividendYield?: number;
}

const PROFILES: Record<string, Required<Omit<SyntheticUnderlying, 'symbol'>> & { volScale: number }> = {
  SPY: { price: 520, strikeStep: 1, root: 'SPY', tick: 0.01, dividendYield: 0.013, volScale: 1 },
  QQQ: { price: 450, strikeStep: 1, root: 'QQQ', tick: 0.01, dividendYield: 0.006, volScale: 1.2 },
  IWM: { price: 205, strikeStep: 1, root: 'IWM', tick: 0.01, dividendYield: 0.012, volScale: 1.3 },
  SPX: { price: 5200, strikeStep: 5, root: 'SPXW', tick: 0.05, dividendYield: 0.013, volScale: 1 },
};

export interface SyntheticSnapshotOptions {
  seed: number;
  /** Scan time; quote times are drawn shortly before it. */
  asOfMs: number;
  underlyings: ReadonlyArray<string | SyntheticUnderlying>;
  /** Exact number of put contracts per underlying. */
  contractsPerUnderlying: number;
  /** Number of expiries (default 12). */
  expiries?: number;
  /** `weekly` Fridays (default) or `daily` trading days. */
  expirySchedule?: 'weekly' | 'daily';
  /** Calendar days from the trade date to the first expiry (default 5). */
  firstExpiryDays?: number;
  riskFreeRate?: number;
  /** Option tickers to copy into `legs` (the open positions' legs a real snapshot carries). */
  legTickers?: readonly string[];
}

/**
 * Weekly: Fridays (the Thursday before when Friday is a holiday). Daily: every trading day.
 * Both start `firstDays` calendar days after the trade date.
 */
function expiryDates(
  tradeDate: TradeDate,
  count: number,
  schedule: 'weekly' | 'daily',
  firstDays: number,
): TradeDate[] {
  const out: TradeDate[] = [];
  let d = addDays(tradeDate, firstDays);
  if (schedule === 'daily') {
    for (; out.length < count; d = addDays(d, 1)) if (isTradingDay(d)) out.push(d);
    return out;
  }
  while (new Date(`${d}T12:00:00Z`).getUTCDay() !== 5) d = addDays(d, 1);
  while (out.length < count) {
    let e = d;
    while (!isTradingDay(e)) e = addDays(e, -1);
    out.push(e);
    d = addDays(d, 7);
  }
  return out;
}

/** Deterministic: the result depends only on the options. */
export function makeSyntheticSnapshot(options: SyntheticSnapshotOptions): MarketSnapshot {
  const { seed, asOfMs, contractsPerUnderlying } = options;
  const r = options.riskFreeRate ?? 0.04;
  const tradeDate = tradeDateOf(asOfMs);
  const expiries = expiryDates(
    tradeDate,
    options.expiries ?? 12,
    options.expirySchedule ?? 'weekly',
    options.firstExpiryDays ?? 5,
  );
  const marketRandom = seededRandom(seed);
  const vix = roundTo(16 + 10 * marketRandom(), 2);
  const underlyings: Record<string, UnderlyingQuote> = {};
  const chains: Record<string, OptionQuote[]> = {};
  for (const item of options.underlyings) {
    const spec = typeof item === 'string' ? { symbol: item } : item;
    const profile = PROFILES[spec.symbol] ?? {
      price: 100,
      strikeStep: 1,
      root: spec.symbol,
      tick: 0.01,
      dividendYield: 0.01,
      volScale: 1.1,
    };
    const rand = seededRandom(seed ^ hashString(spec.symbol));
    const step = spec.strikeStep ?? profile.strikeStep;
    const root = spec.root ?? profile.root;
    const tick = spec.tick ?? profile.tick;
    const q = spec.dividendYield ?? profile.dividendYield;
    const S = roundTo((spec.price ?? profile.price) * (1 + 0.03 * (rand() - 0.5)), 2);
    underlyings[spec.symbol] = { symbol: spec.symbol, price: S, timeMs: asOfMs };
    const atmVol = (vix / 100) * profile.volScale * 1.1;
    const perExpiry = Math.ceil(contractsPerUnderlying / expiries.length);
    // 80% of the strikes below the money, where put spreads are sold.
    const lowest = Math.max(step, Math.round((S - 0.8 * perExpiry * step) / step) * step);
    const chain: OptionQuote[] = [];
    for (const expiry of expiries) {
      const T = Math.max(1 / 525_600, (Date.parse(`${expiry}T20:00:00Z`) - asOfMs) / 60_000 / 525_600);
      for (let k = 0; k < perExpiry && chain.length < contractsPerUnderlying; k++) {
        const K = roundTo(lowest + k * step, 4);
        const m = Math.log(K / S) / Math.sqrt(Math.max(T, 1 / 52));
        const sigma = Math.min(2, Math.max(0.06, atmVol * (1 - 0.6 * m + 0.3 * m * m)));
        const fair = bsmPriceUnchecked('put', S, K, T, r, q, sigma);
        const half = Math.max(tick / 2, fair * (0.01 + 0.03 * rand()));
        const bidRaw = Math.floor((fair - half) / tick) * tick;
        const bid = roundTo(Math.max(0, bidRaw), 2);
        const ask = roundTo(Math.max(tick, Math.ceil((fair + half) / tick) * tick), 2);
        const u = rand();
        const noQuote = u < 0.02;
        const noGreeks = u >= 0.02 && u < 0.14;
        const noIv = u >= 0.02 && u < 0.08;
        const t = rand();
        const quoteTimeMs =
          t < 0.05 ? null : t < 0.06 ? asOfMs - 600_000 : asOfMs - Math.floor(rand() * 20_000);
        chain.push({
          ticker: occTicker(root, expiry, 'put', K),
          root,
          underlying: spec.symbol,
          type: 'put',
          expiry,
          strike: K,
          bid: noQuote ? null : bid,
          ask: noQuote ? null : ask,
          quoteTimeMs,
          openInterest: rand() < 0.03 ? null : Math.floor(rand() < 0.1 ? rand() * 100 : 100 + rand() * 5000),
          vendorDelta: noGreeks ? null : roundTo(bsmGreeks({ type: 'put', S, K, T, r, q, sigma }).delta, 4),
          vendorIv: noIv ? null : roundTo(sigma, 4),
        });
      }
    }
    chains[spec.symbol] = chain;
  }
  const legs: Record<string, OptionQuote> = {};
  if (options.legTickers && options.legTickers.length > 0) {
    const wanted = new Set(options.legTickers);
    for (const chain of Object.values(chains))
      for (const c of chain) if (wanted.has(c.ticker)) legs[c.ticker] = c;
  }
  return { asOfMs, vix, underlyings, chains, legs, errors: [] };
}

/** A clock that only moves when told to, for tests and replays. */
export function fixedClock(start: number | string) {
  let nowMs = typeof start === 'number' ? start : Date.parse(start);
  if (!Number.isFinite(nowMs)) throw new RangeError(`fixedClock: not an instant: ${String(start)}`);
  return {
    nowMs: () => nowMs,
    set(ms: number) {
      nowMs = ms;
    },
    advanceMs(ms: number) {
      nowMs += ms;
    },
  };
}
