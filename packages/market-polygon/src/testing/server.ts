/**
 * A Polygon-compatible HTTP server on 127.0.0.1 (ephemeral port) serving the synthetic market or a
 * recorded session in the vendor's exact JSON, at the virtual instant `now()`, with faults on demand.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import {
  isTradingDay,
  nyTimeToUtcMs,
  nyUtcOffsetMinutes,
  specialDaysOf,
  tradeDateOf,
} from '@aegis/strategy-core';
import { stripApiKeyParams } from '../http/redact.js';
import { loadReplayStore, type ReplayStore } from '../record/replay-store.js';
import { createSyntheticMarket, type SimSymbol, type SyntheticMarket } from './sim/market.js';
import { hash32 } from './sim/prng.js';

export type FakeMarketSource = { kind: 'sim'; seed: number } | { kind: 'replay'; dir: string };

/** A fault applies `count` times to requests whose path contains `match` / equals `path` (all when absent). */
export interface CountedFault {
  count: number;
  match?: string;
  path?: string;
}

export interface FaultConfig {
  /** Added before every response. */
  latencyMs?: number;
  /** 429 with the vendor body; `Retry-After` only when `retryAfterSeconds` is given. */
  rateLimit?: CountedFault & { retryAfterSeconds?: number };
  /** 5xx (default 502 with a gateway HTML page). */
  serverError?: CountedFault & { status?: number };
  /** A 200 whose body is not valid JSON. */
  malformed?: CountedFault;
  /** Declares the full Content-Length, sends half, drops the connection. */
  truncated?: CountedFault;
  /** Paged responses keep returning the second page's cursor. */
  repeatCursor?: { match?: string };
  /** Tickers answered with a per-ticker error item inside a 200 (universal and indices snapshots). */
  tickerErrors?: Record<string, 'NOT_FOUND' | 'NOT_ENTITLED'>;
  /** Chain pages also carry contracts outside the requested expiry window (a known vendor bug). */
  outOfFilterRows?: boolean;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** Query without any API key. */
  query: string;
  status: number;
  atMs: number;
  fault: string | null;
}

export interface FakePolygonServerOptions {
  source: FakeMarketSource;
  apiKey: string;
  now: () => number;
  faults?: FaultConfig;
  /** Gzip responses when the client accepts it. Default false (saves the shared CPU in benches). */
  gzip?: boolean;
}

export interface FakePolygonServer {
  baseUrl: string;
  close(): Promise<void>;
  setFaults(faults: FaultConfig): void;
  readonly requests: { readonly count: number; readonly log: readonly RequestLogEntry[]; reset(): void };
  /** The synthetic market behind a `sim` source. */
  readonly market: SyntheticMarket | undefined;
  readonly replay: ReplayStore | undefined;
}

const MAX_LIMIT = 250;
const DEFAULT_LIMIT = 10;
const RATE_LIMIT_TEXT =
  "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue. https://massive.com/pricing";

interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** UTF-8 of `body`, kept with cached replies. */
  bytes?: Buffer;
}

class BadRequest extends Error {}

const json = (status: number, body: unknown): Reply => ({ status, body: JSON.stringify(body) });

function requestId(seed: number, path: string, query: string, nowMs: number): string {
  let s = '';
  for (let i = 0; i < 4; i++)
    s += hash32(seed, i, nowMs, path.length, ...Buffer.from(path + query).subarray(0, 64))
      .toString(16)
      .padStart(8, '0');
  return s;
}

function encodeCursor(query: string, offset: number): string {
  return Buffer.from(JSON.stringify({ q: query, o: offset })).toString('base64url');
}

function decodeCursor(cursor: string): { q: string; o: number } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { q?: unknown; o?: unknown };
    if (typeof v.q === 'string' && typeof v.o === 'number' && Number.isInteger(v.o) && v.o >= 0)
      return { q: v.q, o: v.o };
  } catch {
    // fall through
  }
  throw new BadRequest('invalid cursor');
}

function parseLimit(params: URLSearchParams): number {
  const raw = params.get('limit');
  if (raw === null) return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new BadRequest(`limit must be a positive integer, got ${raw}`);
  if (n > MAX_LIMIT) throw new BadRequest(`limit must be less than or equal to ${MAX_LIMIT}`);
  return n;
}

function rangeFilter(params: URLSearchParams, name: string, parse: (v: string) => number | string) {
  const get = (suffix: string) => {
    const v = params.get(`${name}${suffix}`);
    return v === null ? undefined : parse(v);
  };
  const eq = get('');
  const gte = get('.gte');
  const gt = get('.gt');
  const lte = get('.lte');
  const lt = get('.lt');
  return (x: number | string) =>
    (eq === undefined || x === eq) &&
    (gte === undefined || x >= gte) &&
    (gt === undefined || x > gt) &&
    (lte === undefined || x <= lte) &&
    (lt === undefined || x < lt);
}

function rfc3339Ny(tMs: number): string {
  const offsetMin = nyUtcOffsetMinutes(tMs);
  const local = new Date(tMs + offsetMin * 60_000).toISOString().slice(0, 19);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export async function startFakePolygonServer(opts: FakePolygonServerOptions): Promise<FakePolygonServer> {
  if (typeof opts.apiKey !== 'string' || opts.apiKey === '')
    throw new TypeError('startFakePolygonServer: apiKey must be a non-empty string');
  const market = opts.source.kind === 'sim' ? createSyntheticMarket({ seed: opts.source.seed }) : undefined;
  const replay = opts.source.kind === 'replay' ? loadReplayStore(opts.source.dir) : undefined;
  const seed = opts.source.kind === 'sim' ? opts.source.seed : 0;
  let faults: FaultConfig = structuredClone(opts.faults ?? {});
  const log: RequestLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let baseUrl = '';
  // Bodies at an instant are a pure function of (instant, request, faults): cache them so repeated
  // scans at one virtual instant (benches, retries) cost the stand no CPU. Cleared when faults change.
  const bodyCache = new Map<string, Reply>();

  const take = (fault: CountedFault | undefined, path: string): boolean => {
    if (fault === undefined || fault.count <= 0) return false;
    if (fault.match !== undefined && !path.includes(fault.match)) return false;
    if (fault.path !== undefined && path !== fault.path) return false;
    fault.count--;
    return true;
  };

  /** Pages a full result list by `cursor` / `limit`; the cursor carries the original query. */
  function page(
    path: string,
    query: string,
    total: number,
    limit: number,
    offset: number,
    rid: string,
    results: unknown[],
  ): Reply {
    const body: Record<string, unknown> = { request_id: rid, results, status: 'OK' };
    const repeat =
      faults.repeatCursor !== undefined &&
      (faults.repeatCursor.match === undefined || path.includes(faults.repeatCursor.match));
    if (offset + limit < total || (repeat && total > limit)) {
      const nextOffset = repeat ? limit : offset + limit;
      body.next_url = `${baseUrl}${path}?cursor=${encodeCursor(query, nextOffset)}`;
    }
    return json(200, body);
  }

  /** Effective query and offset: a cursor replaces every other parameter, as upstream. */
  function effective(params: URLSearchParams): { query: string; params: URLSearchParams; offset: number } {
    const cursor = params.get('cursor');
    if (cursor === null) {
      const clean = new URLSearchParams([...params.entries()].filter(([k]) => k.toLowerCase() !== 'apikey'));
      return { query: clean.toString(), params: clean, offset: 0 };
    }
    const { q, o } = decodeCursor(cursor);
    return { query: q, params: new URLSearchParams(q), offset: o };
  }

  function simReply(m: SyntheticMarket, path: string, rawParams: URLSearchParams, nowMs: number): Reply {
    const rid = requestId(seed, path, rawParams.toString(), nowMs);
    if (path.startsWith('/v3/snapshot/options/')) {
      const underlying = decodeURIComponent(path.slice('/v3/snapshot/options/'.length));
      if (underlying.includes('/'))
        return json(404, { status: 'NOT_FOUND', request_id: rid, message: 'Data not found.' });
      const { query, params, offset } = effective(rawParams);
      const limit = parseLimit(params);
      const spec = m.specOf(underlying);
      if (spec === undefined) return json(200, { request_id: rid, results: [], status: 'OK' });
      const type = params.get('contract_type');
      if (type !== null && type !== 'put' && type !== 'call')
        throw new BadRequest(`contract_type must be call or put, got ${type}`);
      const expiryOk = rangeFilter(params, 'expiration_date', (v) => {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v))
          throw new BadRequest(`expiration_date must be YYYY-MM-DD, got ${v}`);
        return v;
      });
      const strikeOk = rangeFilter(params, 'strike_price', (v) => {
        const n = Number(v);
        if (!Number.isFinite(n)) throw new BadRequest(`strike_price must be a number, got ${v}`);
        return n;
      });
      const all = m.listing(spec.symbol as SimSymbol, nowMs);
      let selected = all.filter(
        (c) => (type === null || c.type === type) && expiryOk(c.expiry) && strikeOk(c.strike),
      );
      const sort = params.get('sort') ?? 'ticker';
      if (sort === 'expiration_date' || sort === 'strike_price') {
        const key =
          sort === 'expiration_date'
            ? (c: (typeof all)[number]) => c.expiry
            : (c: (typeof all)[number]) => c.strike;
        selected = [...selected].sort((a, b) =>
          key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.ticker < b.ticker ? -1 : 1,
        );
      } else if (sort !== 'ticker')
        throw new BadRequest(`sort must be ticker, expiration_date or strike_price, got ${sort}`);
      if (params.get('order') === 'desc') selected = [...selected].reverse();
      const slice = selected.slice(offset, offset + limit);
      const results: unknown[] = slice.map((c) => m.optionResult(spec.symbol as SimSymbol, c, nowMs));
      if (faults.outOfFilterRows === true && slice.length > 0) {
        // Upstream once returned other expiries on later pages: append a few out-of-window rows.
        const outside = all
          .filter((c) => !expiryOk(c.expiry) || (type !== null && c.type !== type))
          .slice(0, 3);
        for (const c of outside) results.push(m.optionResult(spec.symbol as SimSymbol, c, nowMs));
      }
      return page(path, query, selected.length, limit, offset, rid, results);
    }
    if (path === '/v3/snapshot' || path === '/v3/snapshot/indices') {
      const { query, params, offset } = effective(rawParams);
      const limit = parseLimit(params);
      const anyOf = params.get('ticker.any_of') ?? params.get('ticker');
      if (anyOf === null || anyOf === '') return json(200, { request_id: rid, results: [], status: 'OK' });
      const tickers = anyOf.split(',').filter((t) => t !== '');
      if (tickers.length > MAX_LIMIT)
        throw new BadRequest(`ticker.any_of accepts at most ${MAX_LIMIT} tickers`);
      const errs = faults.tickerErrors ?? {};
      const items = tickers.slice(offset, offset + limit).map((t) => {
        const e = errs[t];
        if (e !== undefined) {
          return {
            error: e,
            message: e === 'NOT_FOUND' ? 'Ticker not found.' : 'Not entitled to this ticker.',
            ticker: t,
          };
        }
        return path === '/v3/snapshot' ? m.universalItem(t, nowMs) : m.indexItem(t, nowMs);
      });
      return page(path, query, tickers.length, limit, offset, rid, items);
    }
    if (path === '/v1/marketstatus/now') {
      const d = tradeDateOf(nowMs);
      const trading = isTradingDay(d);
      const open = trading && nowMs >= nyTimeToUtcMs(d, '09:30') && nowMs < nyTimeToUtcMs(d, '16:00');
      const extended =
        trading && !open && nowMs >= nyTimeToUtcMs(d, '04:00') && nowMs < nyTimeToUtcMs(d, '20:00');
      const state = open ? 'open' : extended ? 'extended-hours' : 'closed';
      return json(200, {
        afterHours: extended && nowMs >= nyTimeToUtcMs(d, '16:00'),
        currencies: { crypto: 'open', fx: 'open' },
        earlyHours: extended && nowMs < nyTimeToUtcMs(d, '09:30'),
        exchanges: { nasdaq: state, nyse: state, otc: state },
        indicesGroups: { s_and_p: open ? 'open' : 'closed', cgi: open ? 'open' : 'closed' },
        market: state,
        serverTime: rfc3339Ny(nowMs),
      });
    }
    if (path === '/v1/marketstatus/upcoming') {
      const today = tradeDateOf(nowMs);
      const year = Number(today.slice(0, 4));
      const rows: unknown[] = [];
      for (const day of [...specialDaysOf(year), ...specialDaysOf(year + 1)]) {
        if (day.date < today || rows.length >= 60) continue;
        for (const exchange of ['NYSE', 'NASDAQ', 'OTC']) {
          rows.push(
            day.kind === 'closed'
              ? { date: day.date, exchange, name: day.name, status: 'closed' }
              : {
                  close: new Date(nyTimeToUtcMs(day.date, day.closeTime ?? '13:00')).toISOString(),
                  date: day.date,
                  exchange,
                  name: day.name,
                  open: new Date(nyTimeToUtcMs(day.date, '09:30')).toISOString(),
                  status: 'early-close',
                },
          );
        }
      }
      return json(200, rows);
    }
    return {
      status: 404,
      body: '404 page not found',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    };
  }

  function replayReply(store: ReplayStore, path: string, params: URLSearchParams, nowMs: number): Reply {
    const clean = new URLSearchParams([...params.entries()].filter(([k]) => k.toLowerCase() !== 'apikey'));
    const ex = store.lookup(path, clean.toString(), nowMs);
    if (ex === undefined) {
      return json(404, {
        message: `no recorded response for GET ${path}${clean.size > 0 ? `?${clean.toString()}` : ''} at or before ${new Date(nowMs).toISOString()}`,
        request_id: 'replay',
        status: 'NOT_FOUND',
      });
    }
    const headers: Record<string, string> = {};
    if (ex.headers['retry-after'] !== undefined) headers['retry-after'] = ex.headers['retry-after'];
    if (ex.headers['content-type'] !== undefined) headers['content-type'] = ex.headers['content-type'];
    return { status: ex.status, body: ex.body, headers };
  }

  function authError(req: IncomingMessage, params: URLSearchParams, rid: string): Reply | undefined {
    const header = req.headers.authorization;
    const bearer =
      typeof header === 'string' && /^Bearer\s+/i.test(header)
        ? header.replace(/^Bearer\s+/i, '')
        : undefined;
    const key = bearer ?? params.get('apiKey') ?? params.get('apikey') ?? undefined;
    if (key === undefined || key === '')
      return json(401, { error: 'API Key was not provided', request_id: rid, status: 'ERROR' });
    if (key !== opts.apiKey) return json(401, { error: 'Unknown API Key', request_id: rid, status: 'ERROR' });
    return undefined;
  }

  function send(req: IncomingMessage, res: ServerResponse, reply: Reply, truncate: boolean): void {
    reply.bytes ??= Buffer.from(reply.body, 'utf8');
    let payload: Buffer = reply.bytes;
    const headers: Record<string, string> = { 'content-type': 'application/json', ...reply.headers };
    const accepts = String(req.headers['accept-encoding'] ?? '');
    if (opts.gzip === true && /\bgzip\b/.test(accepts)) {
      payload = gzipSync(payload);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(payload.length);
    res.writeHead(reply.status, headers);
    if (truncate) {
      res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.destroy());
      return;
    }
    res.end(payload);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const params = url.searchParams;
    const nowMs = opts.now();
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      path,
      query: stripApiKeyParams(`?${params.toString()}`).replace(/^\?/, ''),
      status: 0,
      atMs: nowMs,
      fault: null,
    };
    log.push(entry);
    const latency = faults.latencyMs ?? 0;
    if (latency > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, latency);
        timers.add(timer);
      });
    }
    if (res.destroyed) return;
    const rid = requestId(seed, path, params.toString(), nowMs);
    let reply: Reply;
    let truncate = false;
    const auth = authError(req, params, rid);
    if (auth !== undefined) reply = auth;
    else if (req.method !== 'GET')
      reply = json(405, { error: 'method not allowed', request_id: rid, status: 'ERROR' });
    else if (take(faults.rateLimit, path)) {
      entry.fault = 'rate_limit';
      reply = json(429, { error: RATE_LIMIT_TEXT, request_id: rid, status: 'ERROR' });
      const ra = faults.rateLimit?.retryAfterSeconds;
      if (ra !== undefined) reply.headers = { 'retry-after': String(ra) };
    } else if (take(faults.serverError, path)) {
      entry.fault = 'server_error';
      const status = faults.serverError?.status ?? 502;
      reply = {
        status,
        body: `<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status}</h1></center></body></html>`,
        headers: { 'content-type': 'text/html' },
      };
    } else {
      try {
        if (market !== undefined) {
          const key = `${nowMs}|${path}|${params.toString()}`;
          const cached = bodyCache.get(key);
          if (cached !== undefined) reply = cached;
          else {
            reply = simReply(market, path, params, nowMs);
            if (bodyCache.size >= 512) bodyCache.clear();
            bodyCache.set(key, reply);
          }
        } else reply = replayReply(replay as ReplayStore, path, params, nowMs);
      } catch (error) {
        if (!(error instanceof BadRequest)) throw error;
        reply = json(400, { error: error.message, request_id: rid, status: 'ERROR' });
      }
      if (reply.status === 200 && take(faults.malformed, path)) {
        entry.fault = 'malformed';
        reply = {
          ...reply,
          body: `${reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 3)))}<!-- upstream error -->`,
        };
      } else if (take(faults.truncated, path)) {
        entry.fault = 'truncated';
        truncate = true;
      }
    }
    entry.status = reply.status;
    send(req, res, reply, truncate);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: `fake server: ${(error as Error).message}`,
            request_id: 'fake',
            status: 'ERROR',
          }),
        );
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    market,
    replay,
    setFaults(next) {
      faults = structuredClone(next);
      bodyCache.clear();
    },
    requests: {
      get count() {
        return log.length;
      },
      get log() {
        return log;
      },
      reset() {
        log.length = 0;
      },
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
