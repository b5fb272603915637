/**
 * The Polygon/Massive client: one scan snapshot in the minimum number of requests, every failure
 * turned into a `ScanError` for the underlying it concerns.
 */
import type {
  MarketSnapshot,
  OptionQuote,
  OptionType,
  ScanError,
  SnapshotPlan,
  SnapshotPlanUnderlying,
  TradeDate,
  UnderlyingQuote,
} from '@aegis/strategy-core';
import type { Dispatcher } from 'undici';
import { isPolygonError, PolygonError } from './errors.js';
import { redactText } from './http/redact.js';
import {
  createTransport,
  DEFAULT_RETRY,
  nextPathAndQuery,
  type PolygonLogger,
  type RetryOptions,
  realSleep,
  silentLogger,
} from './http/transport.js';
import {
  type ChainFilter,
  type MarketHoliday,
  type MarketStatus,
  parseListEnvelope,
  parseMarketStatus,
  parseOptionChainPage,
  parseSnapshotItems,
  parseUpcomingHolidays,
  type SnapshotItem,
} from './parse.js';
import type { Recorder } from './record/types.js';

export interface PolygonClientOptions {
  /** `https://api.massive.com`, or a fake server's `http://127.0.0.1:PORT`. */
  baseUrl: string;
  apiKey: string;
  /** The app's keep-alive undici Agent; undici's global dispatcher when absent. */
  dispatcher?: Dispatcher;
  /** Per attempt, headers and body included. Default 10 000. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Most pages followed for one list request. Default 100 (25 000 contracts). */
  pageCap?: number;
  logger?: PolygonLogger;
  /** Clock for recorded receive times (virtual in replays). Default `Date.now`. */
  now?: () => number;
  recorder?: Recorder;
  /** Backoff sleep; tests pass one that records the delays. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
}

export interface ChainQuery {
  /** Vendor ticker of the underlying: `SPY`, `I:SPX`. */
  underlying: string;
  /** Domain symbol put on each contract; defaults to `underlying` without `I:`. */
  symbol?: string;
  contractType?: OptionType;
  expiryFrom?: TradeDate;
  expiryTo?: TradeDate;
  strikeMin?: number;
  strikeMax?: number;
  /** OCC roots to keep (client-side; the endpoint has no root filter). */
  roots?: readonly string[];
}

export interface OptionChain {
  underlying: string;
  contracts: OptionQuote[];
  pages: number;
  /** Rows the server sent outside the requested filter, dropped client-side. */
  filteredOut: number;
}

export interface PolygonClient {
  fetchScanSnapshot(plan: SnapshotPlan): Promise<MarketSnapshot>;
  fetchOptionChain(query: ChainQuery): Promise<OptionChain>;
  /** Universal snapshot of up to 250 tickers (stocks, indices, options), keyed by ticker. */
  fetchSnapshots(tickers: readonly string[]): Promise<Map<string, SnapshotItem>>;
  fetchMarketStatus(): Promise<MarketStatus>;
  fetchUpcomingHolidays(): Promise<MarketHoliday[]>;
  /** HTTP attempts made so far (retries included). */
  readonly requestCount: number;
}

/** Most tickers per `ticker.any_of` request (vendor limit). */
export const MAX_TICKERS_PER_REQUEST = 250;
const PAGE_LIMIT = 250;

/** Path segment with `:` kept readable (`/v3/snapshot/options/I:SPX`), everything else encoded. */
function segment(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':');
}

function query(params: Record<string, string | number | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    parts.push(`${k}=${encodeURIComponent(String(v)).replace(/%3A/gi, ':').replace(/%2C/gi, ',')}`);
  }
  return parts.join('&');
}

export function domainSymbol(vendorTicker: string): string {
  return vendorTicker.startsWith('I:') ? vendorTicker.slice(2) : vendorTicker;
}

function scanErrorCode(error: unknown): string {
  if (!isPolygonError(error)) return 'internal';
  return error.kind === 'http' ? 'http_error' : error.kind;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function validateOptions(opts: PolygonClientOptions): void {
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(opts.baseUrl);
  } catch {
    problems.push(`baseUrl must be an absolute http(s) URL, got ${JSON.stringify(opts.baseUrl)}`);
  }
  if (url !== undefined && url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`baseUrl must use http or https, got ${url.protocol}`);
  }
  if (typeof opts.apiKey !== 'string' || opts.apiKey.trim() === '')
    problems.push('apiKey must be a non-empty string');
  if (opts.timeoutMs !== undefined && !(opts.timeoutMs > 0))
    problems.push(`timeoutMs must be > 0, got ${opts.timeoutMs}`);
  if (opts.pageCap !== undefined && !(Number.isInteger(opts.pageCap) && opts.pageCap >= 1)) {
    problems.push(`pageCap must be an integer >= 1, got ${opts.pageCap}`);
  }
  const r = opts.retry ?? {};
  for (const [k, v] of Object.entries(r)) {
    if (typeof v !== 'number' || !(v >= 0))
      problems.push(`retry.${k} must be a number >= 0, got ${String(v)}`);
  }
  if (problems.length > 0) throw new TypeError(`createPolygonClient: ${problems.join('; ')}`);
}

export function createPolygonClient(opts: PolygonClientOptions): PolygonClient {
  validateOptions(opts);
  const logger = opts.logger ?? silentLogger;
  const pageCap = opts.pageCap ?? 100;
  const transport = createTransport({
    baseUrl: opts.baseUrl,
    apiKey: opts.apiKey,
    ...(opts.dispatcher === undefined ? {} : { dispatcher: opts.dispatcher }),
    timeoutMs: opts.timeoutMs ?? 10_000,
    retry: { ...DEFAULT_RETRY, ...opts.retry },
    logger,
    now: opts.now ?? Date.now,
    ...(opts.recorder === undefined ? {} : { recorder: opts.recorder }),
    sleep: opts.sleep ?? realSleep,
    random: opts.random ?? Math.random,
  });
  const get = (pathAndQuery: string) => transport.getJson(pathAndQuery);

  /** Follows `next_url` on our own base URL, guarding against repeated cursors and runaway paging. */
  async function forEachPage(
    first: string,
    onPage: (body: unknown, path: string) => string | undefined,
  ): Promise<number> {
    const seen = new Set<string>([first]);
    let current = first;
    let pages = 0;
    for (;;) {
      const res = await get(current);
      pages++;
      const nextUrl = onPage(res.body, res.path);
      if (nextUrl === undefined) return pages;
      let next: string;
      try {
        next = nextPathAndQuery(nextUrl);
      } catch (cause) {
        throw new PolygonError({
          kind: 'schema',
          method: 'GET',
          path: res.path,
          detail: redactText(`schema drift at next_url: ${messageOf(cause)}`, [opts.apiKey]),
        });
      }
      if (seen.has(next)) {
        throw new PolygonError({
          kind: 'cursor_loop',
          method: 'GET',
          path: res.path,
          detail: `next_url repeats a cursor already followed after ${pages} pages`,
        });
      }
      if (pages >= pageCap) {
        throw new PolygonError({
          kind: 'page_cap',
          method: 'GET',
          path: res.path,
          detail: `more than ${pageCap} pages; stopped following next_url`,
        });
      }
      seen.add(next);
      current = next;
    }
  }

  async function fetchOptionChain(q: ChainQuery): Promise<OptionChain> {
    const symbol = q.symbol ?? domainSymbol(q.underlying);
    const first = `/v3/snapshot/options/${segment(q.underlying)}?${query({
      contract_type: q.contractType,
      'expiration_date.gte': q.expiryFrom,
      'expiration_date.lte': q.expiryTo,
      'strike_price.gte': q.strikeMin,
      'strike_price.lte': q.strikeMax,
      limit: PAGE_LIMIT,
    })}`;
    const filter: ChainFilter = {
      ...(q.roots === undefined ? {} : { roots: q.roots }),
      ...(q.contractType === undefined ? {} : { type: q.contractType }),
      ...(q.expiryFrom === undefined ? {} : { expiryFrom: q.expiryFrom }),
      ...(q.expiryTo === undefined ? {} : { expiryTo: q.expiryTo }),
      ...(q.strikeMin === undefined ? {} : { strikeMin: q.strikeMin }),
      ...(q.strikeMax === undefined ? {} : { strikeMax: q.strikeMax }),
    };
    const contracts: OptionQuote[] = [];
    const seenTickers = new Set<string>();
    let filteredOut = 0;
    const pages = await forEachPage(first, (body, path) => {
      const page = parseOptionChainPage(body, symbol, { path }, filter);
      filteredOut += page.filteredOut;
      for (const c of page.contracts) {
        // A cursor bug can resend rows; keep the first copy of each contract.
        if (seenTickers.has(c.ticker)) continue;
        seenTickers.add(c.ticker);
        contracts.push(c);
      }
      return page.nextUrl;
    });
    return { underlying: symbol, contracts, pages, filteredOut };
  }

  async function fetchItems(
    path: '/v3/snapshot' | '/v3/snapshot/indices',
    tickers: readonly string[],
    underlyingOf?: (root: string, item: Record<string, unknown>) => string,
  ): Promise<Map<string, SnapshotItem>> {
    if (tickers.length === 0) return new Map();
    if (tickers.length > MAX_TICKERS_PER_REQUEST) {
      throw new RangeError(
        `${path}: at most ${MAX_TICKERS_PER_REQUEST} tickers per request, got ${tickers.length}`,
      );
    }
    const out = new Map<string, SnapshotItem>();
    await forEachPage(
      `${path}?${query({ 'ticker.any_of': tickers.join(','), limit: PAGE_LIMIT })}`,
      (body, p) => {
        for (const [k, v] of parseSnapshotItems(body, { path: p }, underlyingOf)) out.set(k, v);
        return parseListEnvelope(body, { path: p }).nextUrl;
      },
    );
    return out;
  }

  async function fetchScanSnapshot(plan: SnapshotPlan): Promise<MarketSnapshot> {
    const startedMs = Date.now();
    const startCount = transport.attempts;
    const rootToSymbol = new Map<string, string>();
    for (const u of plan.underlyings) for (const r of u.optionRoots) rootToSymbol.set(r, u.symbol);
    const legSymbol = (root: string, item: Record<string, unknown>): string => {
      const known = rootToSymbol.get(root);
      if (known !== undefined) return known;
      const ua = item.underlying_asset as { ticker?: unknown } | undefined;
      return typeof ua?.ticker === 'string' ? domainSymbol(ua.ticker) : root;
    };

    const settle = <T>(p: Promise<T>) =>
      p.then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );

    const vixP = settle(fetchItems('/v3/snapshot/indices', [plan.vixTicker]));
    const underP = settle(
      fetchItems(
        '/v3/snapshot',
        plan.underlyings.map((u) => u.vendorTicker),
      ),
    );
    const chainPs = plan.underlyings.map((u: SnapshotPlanUnderlying) =>
      settle(
        fetchOptionChain({
          underlying: u.vendorTicker,
          symbol: u.symbol,
          contractType: 'put',
          expiryFrom: u.expiryFrom,
          expiryTo: u.expiryTo,
          roots: u.optionRoots,
        }),
      ),
    );
    const legBatches: string[][] = [];
    for (let i = 0; i < plan.legTickers.length; i += MAX_TICKERS_PER_REQUEST) {
      legBatches.push(plan.legTickers.slice(i, i + MAX_TICKERS_PER_REQUEST));
    }
    const legPs = legBatches.map((batch) => settle(fetchItems('/v3/snapshot', batch, legSymbol)));

    const [vixR, underR, chainRs, legRs] = await Promise.all([
      vixP,
      underP,
      Promise.all(chainPs),
      Promise.all(legPs),
    ]);
    const errors: ScanError[] = [];
    const err = (code: string, message: string, underlying?: string) => {
      errors.push({ source: 'polygon', code, message, ...(underlying === undefined ? {} : { underlying }) });
    };

    // VIX
    let vix: number | null = null;
    if (!vixR.ok) {
      err('vix_unavailable', `${plan.vixTicker}: ${messageOf(vixR.error)}`);
    } else {
      const item = vixR.value.get(plan.vixTicker);
      if (item?.kind === 'price') vix = item.price;
      else if (item?.kind === 'error')
        err('vix_unavailable', `${plan.vixTicker}: ${item.error.error} ${item.error.message}`);
      else err('vix_unavailable', `${plan.vixTicker}: not in the indices snapshot response`);
    }

    // Underlyings and chains, in plan order; an underlying missing either is absent from both.
    const underlyings: Record<string, UnderlyingQuote> = {};
    const chains: Record<string, OptionQuote[]> = {};
    plan.underlyings.forEach((u, i) => {
      let price: UnderlyingQuote | undefined;
      if (!underR.ok) {
        err(scanErrorCode(underR.error), `${u.vendorTicker}: ${messageOf(underR.error)}`, u.symbol);
      } else {
        const item = underR.value.get(u.vendorTicker);
        if (item?.kind === 'price') price = { symbol: u.symbol, price: item.price, timeMs: item.timeMs };
        else if (item?.kind === 'error') {
          err(
            item.error.error.toLowerCase(),
            `${u.vendorTicker}: ${item.error.error} ${item.error.message}`,
            u.symbol,
          );
        } else err('missing', `${u.vendorTicker}: not in the universal snapshot response`, u.symbol);
      }
      const chainR = chainRs[i];
      let chain: OptionQuote[] | undefined;
      if (chainR !== undefined && !chainR.ok)
        err(scanErrorCode(chainR.error), messageOf(chainR.error), u.symbol);
      else if (chainR !== undefined) chain = chainR.value.contracts;
      if (price !== undefined && chain !== undefined) {
        underlyings[u.symbol] = price;
        chains[u.symbol] = chain;
      }
    });

    // Open-position legs.
    const legs: Record<string, OptionQuote> = {};
    legBatches.forEach((batch, i) => {
      const r = legRs[i];
      if (r === undefined) return;
      if (!r.ok) {
        err(scanErrorCode(r.error), `${batch.length} leg tickers: ${messageOf(r.error)}`);
        return;
      }
      for (const ticker of batch) {
        const item = r.value.get(ticker);
        const root = ticker.startsWith('O:') ? ticker.slice(2, -15) : ticker;
        const sym = rootToSymbol.get(root);
        if (item?.kind === 'option' && item.quote !== null) legs[ticker] = item.quote;
        else if (item?.kind === 'error')
          err(item.error.error.toLowerCase(), `${ticker}: ${item.error.error} ${item.error.message}`, sym);
        else err('missing', `${ticker}: no option snapshot in the universal snapshot response`, sym);
      }
    });

    logger.info(
      {
        requests: transport.attempts - startCount,
        underlyings: Object.keys(chains).length,
        contracts: Object.values(chains).reduce((n, c) => n + c.length, 0),
        legs: Object.keys(legs).length,
        errors: errors.length,
        elapsedMs: Date.now() - startedMs,
      },
      'polygon snapshot',
    );
    for (const e of errors)
      logger.warn({ code: e.code, underlying: e.underlying, message: e.message }, 'polygon snapshot error');
    return { asOfMs: plan.asOfMs, vix, underlyings, chains, legs, errors };
  }

  return {
    fetchScanSnapshot,
    fetchOptionChain,
    fetchSnapshots: (tickers) => fetchItems('/v3/snapshot', tickers),
    async fetchMarketStatus() {
      const res = await get('/v1/marketstatus/now');
      return parseMarketStatus(res.body, { path: res.path });
    },
    async fetchUpcomingHolidays() {
      const res = await get('/v1/marketstatus/upcoming');
      return parseUpcomingHolidays(res.body, { path: res.path });
    },
    get requestCount() {
      return transport.attempts;
    },
  };
}
