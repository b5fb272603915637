/**
 * A deterministic synthetic market: SPY, QQQ, IWM, SPX (`I:SPX`) and VIX, with option chains that
 * look like the vendor's. What it shows at an instant depends only on the seed and that instant:
 *
 * - each factor (market, QQQ and IWM idiosyncratic, VIX, SPX basis) is a mean-reverting daily walk
 *   from 2000-01-01, plus a per-minute Brownian bridge between consecutive daily anchors; every
 *   increment is a counter-based hash of (seed, factor, day, minute), so nothing depends on history
 *   or call order;
 * - VIX loads negatively on the market factor;
 * - option quotes are BSM prices at a skewed, term-structured vol, so vendor IV and greeks agree
 *   with the mid; bid/ask widen away from the money.
 */
import {
  addDays,
  bsmGreeks,
  bsmPrice,
  isTradingDay,
  nyTimeToUtcMs,
  type OptionType,
  type TradeDate,
  tradeDateOf,
  yearFractionToExpiry,
} from '@aegis/strategy-core';
import { optionTicker } from '../../parse.js';
import { hashString, normal, uniform } from './prng.js';

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const MINUTES_PER_DAY = 1_440;
/** 2000-01-01 as a UTC day number: the walks start here. */
const ORIGIN_DAY = 10_957;
const RISK_FREE = 0.04;

type Factor = 0 | 1 | 2 | 3 | 4;
const F_MKT: Factor = 0;
const F_QQQ: Factor = 1;
const F_IWM: Factor = 2;
const F_VIX: Factor = 3;
const F_BASIS: Factor = 4;
/** Daily AR(1) coefficient, daily shock sd, and the intraday bridge scale per factor. */
const PHI = [0.997, 0.99, 0.99, 0.95, 0.9] as const;
const DAILY_SD = [0.011, 0.006, 0.007, 0.06, 0.3] as const;
const INTRADAY_SD = [0.012, 0.006, 0.008, 0.06, 0.2] as const;

export type SimSymbol = 'SPY' | 'QQQ' | 'IWM' | 'SPX';
export type ExpiryCycle = 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'leaps';

interface RootListing {
  root: string;
  dailies: number;
  weeklies: number;
  monthlies: number;
  quarterlies: number;
  monthEnds: number;
  leaps: number;
}

interface UnderlyingSpec {
  symbol: SimSymbol;
  vendorTicker: string;
  name: string;
  isIndex: boolean;
  dividendYield: number;
  /** ATM vol as a multiple of VIX / 100. */
  volMultiple: number;
  fineStep: number;
  wideStep: number;
  /** Half-width of the fine-step band, as a fraction of the price. */
  fineBand: number;
  oiScale: number;
  roots: RootListing[];
}

const SPECS: Record<SimSymbol, UnderlyingSpec> = {
  SPY: {
    symbol: 'SPY',
    vendorTicker: 'SPY',
    name: 'SPDR S&P 500 ETF Trust',
    isIndex: false,
    dividendYield: 0.013,
    volMultiple: 0.85,
    fineStep: 1,
    wideStep: 5,
    fineBand: 0.1,
    oiScale: 1,
    roots: [{ root: 'SPY', dailies: 8, weeklies: 8, monthlies: 12, quarterlies: 4, monthEnds: 0, leaps: 2 }],
  },
  QQQ: {
    symbol: 'QQQ',
    vendorTicker: 'QQQ',
    name: 'Invesco QQQ Trust, Series 1',
    isIndex: false,
    dividendYield: 0.006,
    volMultiple: 1.05,
    fineStep: 1,
    wideStep: 5,
    fineBand: 0.1,
    oiScale: 0.6,
    roots: [{ root: 'QQQ', dailies: 8, weeklies: 8, monthlies: 12, quarterlies: 4, monthEnds: 0, leaps: 2 }],
  },
  IWM: {
    symbol: 'IWM',
    vendorTicker: 'IWM',
    name: 'iShares Russell 2000 ETF',
    isIndex: false,
    dividendYield: 0.012,
    volMultiple: 1.2,
    fineStep: 1,
    wideStep: 5,
    fineBand: 0.12,
    oiScale: 0.5,
    roots: [{ root: 'IWM', dailies: 0, weeklies: 6, monthlies: 12, quarterlies: 0, monthEnds: 0, leaps: 2 }],
  },
  SPX: {
    symbol: 'SPX',
    vendorTicker: 'I:SPX',
    name: 'S&P 500',
    isIndex: true,
    dividendYield: 0.013,
    volMultiple: 0.85,
    fineStep: 5,
    wideStep: 25,
    fineBand: 0.07,
    oiScale: 0.3,
    roots: [
      { root: 'SPX', dailies: 0, weeklies: 0, monthlies: 12, quarterlies: 0, monthEnds: 0, leaps: 2 },
      { root: 'SPXW', dailies: 10, weeklies: 10, monthlies: 4, quarterlies: 0, monthEnds: 3, leaps: 0 },
    ],
  },
};

export const SIM_SYMBOLS: readonly SimSymbol[] = ['SPY', 'QQQ', 'IWM', 'SPX'];

export interface ListedContract {
  ticker: string;
  root: string;
  expiry: TradeDate;
  strike: number;
  type: OptionType;
  cycle: ExpiryCycle;
}

/** Prices of everything at one minute. */
export interface MinuteLevels {
  minuteMs: number;
  SPY: number;
  QQQ: number;
  IWM: number;
  SPX: number;
  VIX: number;
}

export interface SyntheticMarketOptions {
  seed: number;
}

export interface SyntheticMarket {
  readonly seed: number;
  /** Underlying (or VIX) level at an instant, rounded to the cent. */
  levels(tMs: number): MinuteLevels;
  /** Listed contracts of an underlying on the trade date of `tMs`, sorted by ticker. */
  listing(symbol: SimSymbol, tMs: number): readonly ListedContract[];
  /** Vendor-shaped chain item (`/v3/snapshot/options/{u}` result) of a listed contract at `tMs`. */
  optionResult(symbol: SimSymbol, contract: ListedContract, tMs: number): Record<string, unknown>;
  /** Vendor-shaped universal-snapshot item for any ticker the market knows, or a NOT_FOUND item. */
  universalItem(ticker: string, tMs: number): Record<string, unknown>;
  /** Vendor-shaped `/v3/snapshot/indices` item (`I:VIX`, `I:SPX`), or a NOT_FOUND item. */
  indexItem(ticker: string, tMs: number): Record<string, unknown>;
  specOf(vendorTicker: string): { symbol: SimSymbol; isIndex: boolean } | undefined;
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const round4 = (v: number) => Math.round(v * 10_000) / 10_000;
const round6 = (v: number) => Math.round(v * 1_000_000) / 1_000_000;
const toNs = (ms: number) => ms * 1_000_000;

function weekday(date: TradeDate): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay();
}

function prevTradingDay(date: TradeDate): TradeDate {
  let d = date;
  for (let i = 0; i < 10 && !isTradingDay(d); i++) d = addDays(d, -1);
  return d;
}

function thirdFriday(year: number, month: number): TradeDate {
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  const day = 1 + ((5 - first + 7) % 7) + 14;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function lastDayOfMonth(year: number, month: number): TradeDate {
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const CYCLE_RANK: Record<ExpiryCycle, number> = { daily: 0, weekly: 1, quarterly: 2, monthly: 3, leaps: 4 };

/** Listed expiries of one root on a trade date: holidays move Friday expiries to the day before. */
export function listedExpiries(listing: RootListing, tradeDate: TradeDate): Map<TradeDate, ExpiryCycle> {
  const out = new Map<TradeDate, ExpiryCycle>();
  const add = (date: TradeDate, cycle: ExpiryCycle) => {
    if (date < tradeDate) return;
    const prev = out.get(date);
    if (prev === undefined || CYCLE_RANK[cycle] > CYCLE_RANK[prev]) out.set(date, cycle);
  };
  let d = tradeDate;
  for (let n = 0; n < listing.dailies; d = addDays(d, 1)) {
    if (isTradingDay(d)) {
      add(d, 'daily');
      n++;
    }
  }
  let friday = addDays(tradeDate, (5 - weekday(tradeDate) + 7) % 7);
  for (let n = 0; n < listing.weeklies; n++, friday = addDays(friday, 7))
    add(prevTradingDay(friday), 'weekly');
  const [y0, m0] = tradeDate.split('-').map(Number) as [number, number];
  const monthAt = (n: number): [number, number] => [
    y0 + Math.floor((m0 - 1 + n) / 12),
    ((m0 - 1 + n) % 12) + 1,
  ];
  const addMonthly = (
    count: number,
    pick: (y: number, m: number) => TradeDate | undefined,
    cycle: ExpiryCycle,
  ) => {
    let added = 0;
    for (let n = 0; added < count && n < 40; n++) {
      const [y, m] = monthAt(n);
      const raw = pick(y, m);
      if (raw === undefined) continue;
      const date = prevTradingDay(raw);
      if (date >= tradeDate) {
        add(date, cycle);
        added++;
      }
    }
  };
  addMonthly(listing.monthlies, thirdFriday, 'monthly');
  addMonthly(listing.monthEnds, lastDayOfMonth, 'monthly');
  addMonthly(listing.quarterlies, (y, m) => (m % 3 === 0 ? lastDayOfMonth(y, m) : undefined), 'quarterly');
  for (let n = 1; n <= listing.leaps; n++) add(prevTradingDay(thirdFriday(y0 + n, 1)), 'leaps');
  return out;
}

export function createSyntheticMarket(opts: SyntheticMarketOptions): SyntheticMarket {
  if (!Number.isSafeInteger(opts.seed))
    throw new RangeError(`synthetic market: seed must be a safe integer, got ${opts.seed}`);
  const seed = opts.seed;
  const anchors: number[][] = [[0], [0], [0], [0], [0]];
  const bridges = new Map<number, Float64Array>();
  const minuteCache = new Map<number, MinuteLevels>();
  const listingCache = new Map<string, ListedContract[]>();

  function anchor(f: Factor, day: number): number {
    const idx = day - ORIGIN_DAY;
    if (idx < 0)
      throw new RangeError(`synthetic market: instants before 2000-01-01 are not modelled (day ${day})`);
    const a = anchors[f] as number[];
    for (let i = a.length; i <= idx; i++) {
      a.push(PHI[f] * (a[i - 1] as number) + DAILY_SD[f] * normal(seed, 1, f, ORIGIN_DAY + i));
    }
    return a[idx] as number;
  }

  /** Cumulative standard-normal walk over one UTC day's minutes, scaled so W[1440] ~ N(0, 1). */
  function bridge(f: Factor, day: number): Float64Array {
    const key = day * 8 + f;
    let w = bridges.get(key);
    if (w === undefined) {
      w = new Float64Array(MINUTES_PER_DAY + 1);
      const scale = 1 / Math.sqrt(MINUTES_PER_DAY);
      for (let k = 0; k < MINUTES_PER_DAY; k++)
        w[k + 1] = (w[k] as number) + scale * normal(seed, 2, f, day, k);
      if (bridges.size > 256) bridges.clear();
      bridges.set(key, w);
    }
    return w;
  }

  function factorAt(f: Factor, minuteIndex: number): number {
    const day = Math.floor(minuteIndex / MINUTES_PER_DAY);
    const k = minuteIndex - day * MINUTES_PER_DAY;
    const a = k / MINUTES_PER_DAY;
    const w = bridge(f, day);
    const b = (w[k] as number) - a * (w[MINUTES_PER_DAY] as number);
    return (1 - a) * anchor(f, day) + a * anchor(f, day + 1) + INTRADAY_SD[f] * b;
  }

  function levels(tMs: number): MinuteLevels {
    if (!Number.isFinite(tMs)) throw new RangeError(`synthetic market: instant must be finite, got ${tMs}`);
    const minuteIndex = Math.floor(tMs / MS_PER_MINUTE);
    let lv = minuteCache.get(minuteIndex);
    if (lv === undefined) {
      const mkt = factorAt(F_MKT, minuteIndex);
      const spy = 560 * Math.exp(mkt);
      lv = {
        minuteMs: minuteIndex * MS_PER_MINUTE,
        SPY: round2(spy),
        QQQ: round2(480 * Math.exp(1.2 * mkt + factorAt(F_QQQ, minuteIndex))),
        IWM: round2(210 * Math.exp(1.1 * mkt + factorAt(F_IWM, minuteIndex))),
        SPX: round2(spy * 10.02 * Math.exp(0.001 * factorAt(F_BASIS, minuteIndex))),
        VIX: round2(Math.min(80, Math.max(9, 16 * Math.exp(-4 * mkt + factorAt(F_VIX, minuteIndex))))),
      };
      if (minuteCache.size > 4096) minuteCache.clear();
      minuteCache.set(minuteIndex, lv);
    }
    return lv;
  }

  function listing(symbol: SimSymbol, tMs: number): readonly ListedContract[] {
    const tradeDate = tradeDateOf(tMs);
    const key = `${symbol}:${tradeDate}`;
    const cached = listingCache.get(key);
    if (cached !== undefined) return cached;
    const spec = SPECS[symbol];
    // Strikes are listed around the day's opening level, so they do not move intraday.
    const center = levels(nyTimeToUtcMs(tradeDate, '09:30'))[symbol];
    const out: ListedContract[] = [];
    for (const rootListing of spec.roots) {
      for (const [expiry, cycle] of listedExpiries(rootListing, tradeDate)) {
        const days = Math.max(1, Math.round((Date.parse(expiry) - Date.parse(tradeDate)) / MS_PER_DAY));
        const halfRange = center * Math.min(0.45, Math.max(0.04, 2.6 * 0.22 * Math.sqrt(days / 365)));
        const fineHalf = Math.min(halfRange, center * spec.fineBand);
        const strikes = new Set<number>();
        for (
          let k = Math.ceil((center - fineHalf) / spec.fineStep) * spec.fineStep;
          k <= center + fineHalf;
          k += spec.fineStep
        ) {
          strikes.add(k);
        }
        for (
          let k = Math.ceil((center - halfRange) / spec.wideStep) * spec.wideStep;
          k <= center + halfRange;
          k += spec.wideStep
        ) {
          strikes.add(k);
        }
        for (const strike of strikes) {
          if (strike <= 0) continue;
          for (const type of ['call', 'put'] as const) {
            out.push({
              ticker: optionTicker(rootListing.root, expiry, type, strike),
              root: rootListing.root,
              expiry,
              strike,
              type,
              cycle,
            });
          }
        }
      }
    }
    out.sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
    if (listingCache.size > 64) listingCache.clear();
    listingCache.set(key, out);
    return out;
  }

  function quoteTimeMs(tickerHash: number, tMs: number): number {
    const minuteMs = Math.floor(tMs / MS_PER_MINUTE) * MS_PER_MINUTE;
    return Math.min(
      tMs,
      minuteMs + Math.floor(uniform(seed, 5, tickerHash, minuteMs / MS_PER_MINUTE) * 59_000),
    );
  }

  function optionResult(symbol: SimSymbol, c: ListedContract, tMs: number): Record<string, unknown> {
    const spec = SPECS[symbol];
    const lv = levels(tMs);
    const S = lv[symbol];
    const T = yearFractionToExpiry(tMs, c.expiry);
    const q = spec.dividendYield;
    const th = hashString(c.ticker);
    const dayKey = Date.parse(tradeDateOf(tMs)) / MS_PER_DAY;
    const minuteKey = Math.floor(tMs / MS_PER_MINUTE);

    // Vol: VIX-scaled ATM level, mild upward term structure, put skew in standardized moneyness.
    const base = (lv.VIX / 100) * spec.volMultiple;
    const atm = base * (0.9 + 0.1 * Math.min(2, Math.sqrt(T / (30 / 365))));
    const forward = S * Math.exp((RISK_FREE - q) * T);
    const x = Math.log(c.strike / forward) / (atm * Math.sqrt(T));
    const sigma = Math.min(3, Math.max(0.03, atm * Math.min(4, Math.max(0.4, 1 - 0.1 * x + 0.015 * x * x))));
    const input = { type: c.type, S, K: c.strike, T, r: RISK_FREE, q, sigma };
    const fair = bsmPrice(input);
    const g = bsmGreeks(input);

    const tick = spec.isIndex ? (fair < 3 ? 0.05 : 0.1) : 0.01;
    const noise = 0.8 + 0.5 * uniform(seed, 6, th, minuteKey);
    const half = (tick * (0.5 + 0.6 * Math.abs(x) ** 1.3) + fair * (spec.isIndex ? 0.001 : 0.002)) * noise;
    let bid = Math.max(0, Math.floor((fair - half) / tick + 1e-9) * tick);
    let ask = Math.ceil((fair + half) / tick - 1e-9) * tick;
    if (ask - bid < tick - 1e-9) ask = bid + tick;
    bid = round2(bid);
    ask = round2(ask);

    const uStruct = uniform(seed, 7, th, dayKey);
    const uMinute = uniform(seed, 8, th, minuteKey);
    const deepItm = Math.abs(g.delta) > 0.985;
    const noGreeks = deepItm || uStruct < 0.01;
    const noQuote = uMinute < 0.005;
    const noOpenInterest = uStruct > 0.985;
    const emptyDay = uStruct > 0.97 && uStruct <= 0.985;

    const oiBase =
      8_000 * spec.oiScale * Math.exp(-0.35 * x * x) * (c.cycle === 'monthly' || c.cycle === 'leaps' ? 3 : 1);
    const openInterest = Math.floor(oiBase * (0.2 + 1.6 * uniform(seed, 9, th, dayKey)));

    const mid = round4((bid + ask) / 2);
    const nowNs = toNs(tMs);
    const prevClose = round2(Math.max(0, mid * (1 - 0.08 * normal(seed, 10, th, dayKey))));
    const open = round2(Math.max(0, mid * (1 + 0.04 * normal(seed, 11, th, dayKey))));
    const volume = Math.floor(openInterest * 0.1 * uniform(seed, 12, th, dayKey));
    const result: Record<string, unknown> = {
      break_even_price: round4(c.type === 'put' ? c.strike - mid : c.strike + mid),
      day: emptyDay
        ? {}
        : {
            change: round2(mid - prevClose),
            change_percent: prevClose > 0 ? round2(((mid - prevClose) / prevClose) * 100) : 0,
            close: mid,
            high: round2(Math.max(open, mid) * 1.02),
            last_updated: nowNs,
            low: round2(Math.min(open, mid) * 0.98),
            open,
            previous_close: prevClose,
            volume,
            vwap: round4((Math.max(open, mid) * 1.02 + Math.min(open, mid) * 0.98 + mid) / 3),
          },
      details: {
        contract_type: c.type,
        exercise_style: spec.isIndex ? 'european' : 'american',
        expiration_date: c.expiry,
        shares_per_contract: 100,
        strike_price: c.strike,
        ticker: c.ticker,
      },
    };
    if (!noGreeks) {
      result.greeks = {
        delta: round6(g.delta),
        gamma: round6(g.gamma),
        theta: round6(g.theta / 365),
        vega: round6(g.vega / 100),
      };
      result.implied_volatility = round6(sigma);
    }
    if (!noQuote) {
      result.last_quote = {
        ask,
        ask_size: 1 + Math.floor(200 * uniform(seed, 13, th, minuteKey)),
        ask_exchange: 300 + Math.floor(20 * uniform(seed, 14, th, minuteKey)),
        bid,
        bid_size: 1 + Math.floor(200 * uniform(seed, 15, th, minuteKey)),
        bid_exchange: 300 + Math.floor(20 * uniform(seed, 16, th, minuteKey)),
        last_updated: toNs(quoteTimeMs(th, tMs)),
        midpoint: mid,
        timeframe: 'REAL-TIME',
      };
    }
    if (!noOpenInterest) result.open_interest = openInterest;
    result.underlying_asset = {
      change_to_break_even: round4((c.type === 'put' ? c.strike - mid : c.strike + mid) - S),
      last_updated: toNs(lv.minuteMs),
      [spec.isIndex ? 'value' : 'price']: S,
      ticker: spec.vendorTicker,
      timeframe: 'REAL-TIME',
    };
    return result;
  }

  function session(symbol: SimSymbol | 'VIX', tMs: number, withPrice: boolean): Record<string, number> {
    const tradeDate = tradeDateOf(tMs);
    const now = levels(tMs)[symbol];
    const openMs = nyTimeToUtcMs(tradeDate, '09:30');
    const open = levels(Math.min(tMs, openMs))[symbol];
    let prevDay = addDays(tradeDate, -1);
    for (let i = 0; i < 10 && !isTradingDay(prevDay); i++) prevDay = addDays(prevDay, -1);
    const previous = levels(nyTimeToUtcMs(prevDay, '16:00'))[symbol];
    const out: Record<string, number> = {
      change: round2(now - previous),
      change_percent: round4(((now - previous) / previous) * 100),
      close: now,
      high: round2(Math.max(open, now) * 1.002),
      low: round2(Math.min(open, now) * 0.998),
      open,
      previous_close: previous,
    };
    if (withPrice) {
      out.price = now;
      out.volume = Math.floor(
        40_000_000 * uniform(seed, 20, hashString(symbol), Date.parse(tradeDate) / MS_PER_DAY),
      );
    }
    return out;
  }

  const notFound = (ticker: string) => ({ ticker, error: 'NOT_FOUND', message: 'Ticker not found.' });
  const INDEX_NAMES: Record<string, SimSymbol | 'VIX'> = { 'I:VIX': 'VIX', 'I:SPX': 'SPX' };

  function indexItem(ticker: string, tMs: number): Record<string, unknown> {
    const sym = INDEX_NAMES[ticker];
    if (sym === undefined) return notFound(ticker);
    const lv = levels(tMs);
    return {
      last_updated: toNs(lv.minuteMs),
      market_status: marketStatusOf(tMs),
      name: sym === 'VIX' ? 'CBOE Volatility Index' : SPECS.SPX.name,
      session: session(sym, tMs, false),
      ticker,
      timeframe: 'REAL-TIME',
      type: 'indices',
      value: lv[sym],
    };
  }

  function marketStatusOf(tMs: number): string {
    const d = tradeDateOf(tMs);
    if (!isTradingDay(d)) return 'closed';
    if (tMs >= nyTimeToUtcMs(d, '09:30') && tMs < nyTimeToUtcMs(d, '16:00')) return 'regular_trading';
    return 'closed';
  }

  function universalItem(ticker: string, tMs: number): Record<string, unknown> {
    if (ticker.startsWith('I:')) {
      const item = indexItem(ticker, tMs);
      return item;
    }
    const spec = SPECS[ticker as SimSymbol];
    if (spec !== undefined && !spec.isIndex) {
      const lv = levels(tMs);
      const price = lv[spec.symbol];
      const th = hashString(ticker);
      const minuteKey = Math.floor(tMs / MS_PER_MINUTE);
      const tradeMs = quoteTimeMs(th, tMs);
      return {
        last_quote: {
          ask: round2(price + 0.01),
          ask_size: 1 + Math.floor(20 * uniform(seed, 21, th, minuteKey)),
          bid: round2(price - 0.01),
          bid_size: 1 + Math.floor(20 * uniform(seed, 22, th, minuteKey)),
          last_updated: toNs(tradeMs),
          timeframe: 'REAL-TIME',
        },
        last_trade: {
          conditions: [14],
          exchange: 4,
          id: String(hashString(`${ticker}:${minuteKey}`)),
          last_updated: toNs(tradeMs),
          price,
          size: 100,
          timeframe: 'REAL-TIME',
        },
        last_updated: toNs(tradeMs),
        market_status: marketStatusOf(tMs) === 'regular_trading' ? 'open' : 'closed',
        name: spec.name,
        session: session(spec.symbol, tMs, true),
        ticker,
        timeframe: 'REAL-TIME',
        type: 'stocks',
      };
    }
    // Option contract: find it in its underlying's listing.
    const root = ticker.startsWith('O:') && ticker.length > 17 ? ticker.slice(2, -15) : undefined;
    const symbol: SimSymbol | undefined =
      root === 'SPX' || root === 'SPXW'
        ? 'SPX'
        : root !== undefined && root in SPECS
          ? (root as SimSymbol)
          : undefined;
    if (symbol === undefined) return notFound(ticker);
    const contract = findListed(symbol, ticker, tMs);
    if (contract === undefined) return notFound(ticker);
    const r = optionResult(symbol, contract, tMs);
    const {
      details,
      day: _day,
      ...rest
    } = r as { details: Record<string, unknown>; day: unknown } & Record<string, unknown>;
    const { ticker: _t, ...detailsNoTicker } = details;
    return {
      ...rest,
      details: { ...detailsNoTicker, underlying_ticker: SPECS[symbol].vendorTicker },
      market_status: marketStatusOf(tMs) === 'regular_trading' ? 'open' : 'closed',
      name: `${root} ${contract.expiry} $${contract.strike} ${contract.type === 'put' ? 'Put' : 'Call'}`,
      ticker,
      timeframe: 'REAL-TIME',
      type: 'options',
    };
  }

  function findListed(symbol: SimSymbol, ticker: string, tMs: number): ListedContract | undefined {
    const list = listing(symbol, tMs);
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = (list[mid] as ListedContract).ticker;
      if (t === ticker) return list[mid];
      if (t < ticker) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  return {
    seed,
    levels,
    listing,
    optionResult,
    universalItem,
    indexItem,
    specOf(vendorTicker) {
      for (const s of Object.values(SPECS)) {
        if (s.vendorTicker === vendorTicker) return { symbol: s.symbol, isIndex: s.isIndex };
      }
      return undefined;
    },
  };
}
