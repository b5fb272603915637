/**
 * Vendor payload → domain types. Tolerant of what the vendor legitimately omits (greeks, IV, quotes,
 * `day`, open interest, `{}` in place of objects); strict about what it must send (contract details).
 * A field of the wrong type is schema drift: a `PolygonError` of kind `schema` naming the field.
 *
 * The chain mapper is hand-written rather than zod: it runs on ~thousands of contracts per scan and
 * must cost less than the `JSON.parse` that precedes it.
 */
import type { OptionQuote, OptionType, TradeDate } from '@aegis/strategy-core';
import { z } from 'zod';
import { PolygonError } from './errors.js';

/** Where a payload came from, for error messages. */
export interface PayloadSource {
  method?: string;
  path: string;
}

type Obj = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return `number ${value}`;
  return typeof value;
}

function drift(src: PayloadSource, field: string, expected: string, got: unknown): PolygonError {
  return new PolygonError({
    kind: 'schema',
    method: src.method ?? 'GET',
    path: src.path,
    detail: `schema drift at ${field}: expected ${expected}, got ${describe(got)}`,
  });
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Optional object: missing, null or `{}` all mean absent. */
function optObj(parent: Obj, key: string, src: PayloadSource, at: string): Obj | undefined {
  const v = parent[key];
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) throw drift(src, `${at}.${key}`, 'an object', v);
  for (const _ in v) return v;
  return undefined;
}

function optNum(parent: Obj, key: string, src: PayloadSource, at: string): number | null {
  const v = parent[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw drift(src, `${at}.${key}`, 'a finite number', v);
  return v;
}

function reqNum(parent: Obj, key: string, src: PayloadSource, at: string): number {
  const v = parent[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw drift(src, `${at}.${key}`, 'a finite number', v);
  return v;
}

function reqStr(parent: Obj, key: string, src: PayloadSource, at: string): string {
  const v = parent[key];
  if (typeof v !== 'string' || v.length === 0) throw drift(src, `${at}.${key}`, 'a non-empty string', v);
  return v;
}

/**
 * Vendor timestamps are nanoseconds (and exceed 2^53, so JSON.parse already rounded them: fine at ms
 * resolution). Microsecond and millisecond values are accepted too, by magnitude, so a unit change
 * upstream cannot silently turn a fresh quote into one from 1970 or 55 000 AD.
 */
export function vendorTimeToMs(value: number): number {
  if (value >= 1e17) return Math.floor(value / 1e6);
  if (value >= 1e14) return Math.floor(value / 1e3);
  if (value >= 1e11) return Math.floor(value);
  return Math.floor(value * 1000);
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** `O:SPXW260515P05400000` → `SPXW` (parsed from the right; roots vary in length). */
export function rootOfOptionTicker(ticker: string): string | undefined {
  const body = ticker.startsWith('O:') ? ticker.slice(2) : ticker;
  if (body.length <= 15) return undefined;
  const tail = body.slice(-15);
  if (!/^\d{6}[CP]\d{8}$/.test(tail)) return undefined;
  return body.slice(0, -15);
}

/** Builds the vendor ticker: `O:` + root + YYMMDD + C/P + strike × 1000 on 8 digits. */
export function optionTicker(root: string, expiry: TradeDate, type: OptionType, strike: number): string {
  const ymd = `${expiry.slice(2, 4)}${expiry.slice(5, 7)}${expiry.slice(8, 10)}`;
  return `O:${root}${ymd}${type === 'put' ? 'P' : 'C'}${String(Math.round(strike * 1000)).padStart(8, '0')}`;
}

/**
 * One option result (chain item or universal-snapshot option item) → `OptionQuote`.
 * Returns null for contract types the domain does not model (`other`).
 */
export function parseOptionResult(
  item: unknown,
  underlying: string,
  src: PayloadSource,
  at: string,
  tickerOverride?: string,
): OptionQuote | null {
  if (!isObj(item)) throw drift(src, at, 'an object', item);
  const details = item.details;
  if (!isObj(details)) throw drift(src, `${at}.details`, 'an object', details);
  const dAt = `${at}.details`;
  const ticker = tickerOverride ?? reqStr(details, 'ticker', src, dAt);
  const contractType = details.contract_type;
  if (contractType !== 'put' && contractType !== 'call') {
    if (contractType === 'other') return null;
    throw drift(src, `${dAt}.contract_type`, '"put" | "call" | "other"', contractType);
  }
  const expiry = details.expiration_date;
  if (typeof expiry !== 'string' || !DATE_RE.test(expiry)) {
    throw drift(src, `${dAt}.expiration_date`, 'a date "YYYY-MM-DD"', expiry);
  }
  const strike = reqNum(details, 'strike_price', src, dAt);
  const root = rootOfOptionTicker(ticker);
  if (root === undefined)
    throw drift(
      src,
      tickerOverride === undefined ? `${dAt}.ticker` : `${at}.ticker`,
      'an OCC option ticker like O:SPY260515P00495000',
      ticker,
    );

  let bid: number | null = null;
  let ask: number | null = null;
  let quoteTimeMs: number | null = null;
  const quote = optObj(item, 'last_quote', src, at);
  if (quote !== undefined) {
    const qAt = `${at}.last_quote`;
    bid = optNum(quote, 'bid', src, qAt);
    ask = optNum(quote, 'ask', src, qAt);
    const t = optNum(quote, 'last_updated', src, qAt);
    quoteTimeMs = t === null || t <= 0 ? null : vendorTimeToMs(t);
  }

  let vendorDelta: number | null = null;
  const greeks = optObj(item, 'greeks', src, at);
  if (greeks !== undefined) vendorDelta = optNum(greeks, 'delta', src, `${at}.greeks`);
  const iv = optNum(item, 'implied_volatility', src, at);
  const openInterest = optNum(item, 'open_interest', src, at);

  return {
    ticker,
    root,
    underlying,
    type: contractType,
    expiry,
    strike,
    bid,
    ask,
    quoteTimeMs,
    openInterest,
    vendorDelta,
    vendorIv: iv !== null && iv > 0 ? iv : null,
  };
}

/** Envelope of a v3 list response: `results` array and optional `next_url`. */
export function parseListEnvelope(
  body: unknown,
  src: PayloadSource,
): { results: unknown[]; nextUrl: string | undefined } {
  if (!isObj(body)) throw drift(src, '(body)', 'a JSON object', body);
  const results = body.results;
  // An empty result set may come back without `results` at all.
  if (results !== undefined && results !== null && !Array.isArray(results)) {
    throw drift(src, 'results', 'an array', results);
  }
  const next = body.next_url;
  if (next !== undefined && next !== null && typeof next !== 'string')
    throw drift(src, 'next_url', 'a string', next);
  return {
    results: (results as unknown[] | null | undefined) ?? [],
    nextUrl: next === null || next === '' ? undefined : (next as string | undefined),
  };
}

export interface ChainFilter {
  roots?: readonly string[];
  type?: OptionType;
  expiryFrom?: TradeDate;
  expiryTo?: TradeDate;
  strikeMin?: number;
  strikeMax?: number;
}

export interface ChainPage {
  contracts: OptionQuote[];
  nextUrl: string | undefined;
  /** Results dropped by the client-side re-filter (out-of-filter rows the server should not have sent). */
  filteredOut: number;
}

/** One page of `/v3/snapshot/options/{underlying}`, re-filtered client-side. */
export function parseOptionChainPage(
  body: unknown,
  underlying: string,
  src: PayloadSource,
  filter: ChainFilter = {},
): ChainPage {
  const { results, nextUrl } = parseListEnvelope(body, src);
  const contracts: OptionQuote[] = [];
  let filteredOut = 0;
  const roots = filter.roots === undefined || filter.roots.length === 0 ? undefined : new Set(filter.roots);
  for (let i = 0; i < results.length; i++) {
    const q = parseOptionResult(results[i], underlying, src, `results[${i}]`);
    if (
      q === null ||
      (filter.type !== undefined && q.type !== filter.type) ||
      (roots !== undefined && !roots.has(q.root)) ||
      (filter.expiryFrom !== undefined && q.expiry < filter.expiryFrom) ||
      (filter.expiryTo !== undefined && q.expiry > filter.expiryTo) ||
      (filter.strikeMin !== undefined && q.strike < filter.strikeMin) ||
      (filter.strikeMax !== undefined && q.strike > filter.strikeMax)
    ) {
      filteredOut++;
      continue;
    }
    contracts.push(q);
  }
  return { contracts, nextUrl, filteredOut };
}

/** A per-ticker error item inside a 200 (`{ ticker, error: "NOT_FOUND", message }`). */
export interface TickerError {
  ticker: string;
  error: string;
  message: string;
}

export type SnapshotItem =
  | { kind: 'error'; ticker: string; error: TickerError }
  | { kind: 'price'; ticker: string; price: number; timeMs: number | null }
  | { kind: 'option'; ticker: string; quote: OptionQuote | null };

function tickerError(item: Obj, ticker: string): TickerError | undefined {
  const e = item.error;
  if (e === undefined || e === null || e === '') return undefined;
  const message = typeof item.message === 'string' ? item.message : typeof e === 'string' ? e : 'error';
  return { ticker, error: typeof e === 'string' ? e : 'ERROR', message };
}

/**
 * Price of a universal-snapshot item. Indices carry `value`; stocks: last trade, else the session
 * price, else the quote midpoint, else the session close.
 */
function itemPrice(
  item: Obj,
  src: PayloadSource,
  at: string,
): { price: number; timeMs: number | null } | undefined {
  const updated = optNum(item, 'last_updated', src, at);
  const value = optNum(item, 'value', src, at);
  if (value !== null && value > 0)
    return { price: value, timeMs: updated === null ? null : vendorTimeToMs(updated) };
  const trade = optObj(item, 'last_trade', src, at);
  if (trade !== undefined) {
    const p = optNum(trade, 'price', src, `${at}.last_trade`);
    if (p !== null && p > 0) {
      const t =
        optNum(trade, 'last_updated', src, `${at}.last_trade`) ??
        optNum(trade, 'sip_timestamp', src, `${at}.last_trade`) ??
        updated;
      return { price: p, timeMs: t === null ? null : vendorTimeToMs(t) };
    }
  }
  const session = optObj(item, 'session', src, at);
  const sessionPrice = session === undefined ? null : optNum(session, 'price', src, `${at}.session`);
  if (sessionPrice !== null && sessionPrice > 0) {
    return { price: sessionPrice, timeMs: updated === null ? null : vendorTimeToMs(updated) };
  }
  const quote = optObj(item, 'last_quote', src, at);
  if (quote !== undefined) {
    const bid = optNum(quote, 'bid', src, `${at}.last_quote`);
    const ask = optNum(quote, 'ask', src, `${at}.last_quote`);
    if (bid !== null && ask !== null && bid > 0 && ask >= bid) {
      const t = optNum(quote, 'last_updated', src, `${at}.last_quote`) ?? updated;
      return { price: (bid + ask) / 2, timeMs: t === null ? null : vendorTimeToMs(t) };
    }
  }
  const close = session === undefined ? null : optNum(session, 'close', src, `${at}.session`);
  if (close !== null && close > 0)
    return { price: close, timeMs: updated === null ? null : vendorTimeToMs(updated) };
  return undefined;
}

/**
 * Items of `/v3/snapshot` or `/v3/snapshot/indices`, keyed by ticker. Option items are mapped with
 * `underlyingOf(root)` giving the domain symbol. An item without any usable price becomes an error
 * item (`NO_PRICE`), so one odd ticker never sinks the rest.
 */
export function parseSnapshotItems(
  body: unknown,
  src: PayloadSource,
  underlyingOf: (root: string, item: Obj) => string = (root) => root,
): Map<string, SnapshotItem> {
  const { results } = parseListEnvelope(body, src);
  const out = new Map<string, SnapshotItem>();
  for (let i = 0; i < results.length; i++) {
    const at = `results[${i}]`;
    const item = results[i];
    if (!isObj(item)) throw drift(src, at, 'an object', item);
    const ticker = reqStr(item, 'ticker', src, at);
    const err = tickerError(item, ticker);
    if (err !== undefined) {
      out.set(ticker, { kind: 'error', ticker, error: err });
      continue;
    }
    if (item.type === 'options' || isObj(item.details)) {
      const root = rootOfOptionTicker(ticker) ?? ticker;
      const quote = parseOptionResult(item, underlyingOf(root, item), src, at, ticker);
      out.set(ticker, { kind: 'option', ticker, quote });
      continue;
    }
    const priced = itemPrice(item, src, at);
    out.set(
      ticker,
      priced === undefined
        ? {
            kind: 'error',
            ticker,
            error: { ticker, error: 'NO_PRICE', message: 'no value, trade, session price or quote' },
          }
        : { kind: 'price', ticker, price: priced.price, timeMs: priced.timeMs },
    );
  }
  return out;
}

// Small, rarely called payloads: zod schemas, so drift messages name the field for free.

export const MarketStatusSchema = z.looseObject({
  market: z.string(),
  serverTime: z.string(),
  earlyHours: z.boolean().optional(),
  afterHours: z.boolean().optional(),
  exchanges: z.record(z.string(), z.string()).optional(),
});
export type VendorMarketStatus = z.infer<typeof MarketStatusSchema>;

export interface MarketStatus {
  /** `open`, `closed`, `extended-hours` (vendor values, passed through). */
  market: string;
  serverTime: string;
  serverTimeMs: number;
  earlyHours: boolean;
  afterHours: boolean;
  exchanges: Record<string, string>;
}

export const UpcomingHolidaySchema = z.looseObject({
  exchange: z.string(),
  name: z.string(),
  date: z.string().regex(DATE_RE, 'a date "YYYY-MM-DD"'),
  status: z.string(),
  open: z.string().optional(),
  close: z.string().optional(),
});
export const UpcomingHolidaysSchema = z.array(UpcomingHolidaySchema);

export interface MarketHoliday {
  date: TradeDate;
  name: string;
  /** `closed` or `early-close`. */
  status: string;
  /** Session bounds on early-close days. */
  openMs: number | null;
  closeMs: number | null;
  exchanges: string[];
}

function zodDrift(src: PayloadSource, error: z.ZodError): PolygonError {
  const issue = error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.');
  return new PolygonError({
    kind: 'schema',
    method: src.method ?? 'GET',
    path: src.path,
    detail: `schema drift at ${field}: ${issue?.message ?? 'invalid payload'}`,
  });
}

export function parseMarketStatus(body: unknown, src: PayloadSource): MarketStatus {
  const r = MarketStatusSchema.safeParse(body);
  if (!r.success) throw zodDrift(src, r.error);
  const serverTimeMs = Date.parse(r.data.serverTime);
  if (Number.isNaN(serverTimeMs)) throw drift(src, 'serverTime', 'an RFC 3339 date-time', r.data.serverTime);
  return {
    market: r.data.market,
    serverTime: r.data.serverTime,
    serverTimeMs,
    earlyHours: r.data.earlyHours ?? false,
    afterHours: r.data.afterHours ?? false,
    exchanges: r.data.exchanges ?? {},
  };
}

/** One row per exchange per day upstream; one per date here, sorted by date. */
export function parseUpcomingHolidays(body: unknown, src: PayloadSource): MarketHoliday[] {
  const r = UpcomingHolidaysSchema.safeParse(body);
  if (!r.success) throw zodDrift(src, r.error);
  const byDate = new Map<string, MarketHoliday>();
  for (const row of r.data) {
    const existing = byDate.get(row.date);
    if (existing !== undefined) {
      if (!existing.exchanges.includes(row.exchange)) existing.exchanges.push(row.exchange);
      continue;
    }
    const openMs = row.open === undefined ? null : Date.parse(row.open);
    const closeMs = row.close === undefined ? null : Date.parse(row.close);
    byDate.set(row.date, {
      date: row.date,
      name: row.name,
      status: row.status,
      openMs: openMs === null || Number.isNaN(openMs) ? null : openMs,
      closeMs: closeMs === null || Number.isNaN(closeMs) ? null : closeMs,
      exchanges: [row.exchange],
    });
  }
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
