/**
 * One GET with a per-request timeout, bounded retries (429, 5xx, network only) and recording of the
 * raw response. Everything above this layer sees parsed JSON or a `PolygonError`.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { type Dispatcher, request } from 'undici';
import { PolygonError, type PolygonErrorKind, statusText } from '../errors.js';
import type { RecordedExchange, Recorder } from '../record/types.js';
import { redactText, stripApiKeyParams } from './redact.js';

/** pino-compatible: `logger.debug({ path }, 'msg')`. */
export interface PolygonLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RetryOptions {
  /** Retries after the first attempt (0 disables retrying). */
  maxRetries?: number;
  /** First backoff; doubles per retry, with jitter. */
  baseDelayMs?: number;
  /** Cap of one computed backoff. */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited out: the request fails as rate limited. */
  maxRetryAfterMs?: number;
}

export type ResolvedRetry = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetry = {
  maxRetries: 3,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  dispatcher?: Dispatcher;
  timeoutMs: number;
  retry: ResolvedRetry;
  logger: PolygonLogger;
  now: () => number;
  recorder?: Recorder;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export interface JsonResponse {
  body: unknown;
  status: number;
  /** Path as sent, without query. */
  path: string;
}

export interface Transport {
  /** `pathAndQuery` is `/v3/...?...` relative to the base URL; never carries the key. */
  getJson(pathAndQuery: string): Promise<JsonResponse>;
  readonly baseUrl: string;
  /** HTTP attempts made so far, retries included. */
  readonly attempts: number;
}

const gunzipAsync = promisify(gunzip);
const noop = (): void => {};
export const silentLogger: PolygonLogger = { debug: noop, info: noop, warn: noop, error: noop };

export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Vendor error text from `{ status, error }` or `{ status, message }` bodies (or raw text). */
export function vendorErrorText(raw: string): string | undefined {
  try {
    const body = JSON.parse(raw) as { error?: unknown; message?: unknown };
    const text = typeof body.error === 'string' ? body.error : body.message;
    return typeof text === 'string' && text.length > 0 ? text : undefined;
  } catch {
    const trimmed = raw.trim();
    // Gateway HTML pages are noise; short plain text ("404 page not found") is worth keeping.
    return trimmed.length > 0 && trimmed.length <= 200 && !trimmed.startsWith('<') ? trimmed : undefined;
  }
}

/** Retry-After as delay in ms: delta-seconds or an HTTP date. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const dateMs = Date.parse(trimmed);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs);
}

function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

interface Attempt {
  ok: boolean;
  error?: PolygonError;
  response?: JsonResponse;
  retryAfterMs?: number;
}

export function createTransport(opts: TransportOptions): Transport {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const secrets = [opts.apiKey];
  const auth = `Bearer ${opts.apiKey}`;
  let attempts = 0;

  async function attemptOnce(pathAndQuery: string, path: string): Promise<Attempt> {
    const fail = (kind: PolygonErrorKind, detail: string, extra: { status?: number; cause?: unknown } = {}) =>
      new PolygonError({ kind, method: 'GET', path, detail: redactText(detail, secrets), ...extra });
    attempts++;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, opts.timeoutMs);
    let status: number;
    let raw: string;
    let headers: Record<string, string | string[] | undefined>;
    let gzipped: Buffer | undefined;
    try {
      const res = await request(`${baseUrl}${pathAndQuery}`, {
        method: 'GET',
        headers: { authorization: auth, accept: 'application/json', 'accept-encoding': 'gzip' },
        signal: controller.signal,
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
        ...(opts.dispatcher === undefined ? {} : { dispatcher: opts.dispatcher }),
      });
      status = res.statusCode;
      headers = res.headers;
      if (headerValue(headers, 'content-encoding') === 'gzip') {
        gzipped = Buffer.from(await res.body.arrayBuffer());
        raw = '';
      } else raw = await res.body.text();
    } catch (cause) {
      const code = (cause as { code?: unknown }).code;
      if (timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
        return { ok: false, error: fail('timeout', `timed out after ${opts.timeoutMs} ms`, { cause }) };
      }
      const reason = typeof code === 'string' ? code : ((cause as Error).message ?? String(cause));
      return { ok: false, error: fail('network', `network error (${reason})`, { cause }) };
    } finally {
      clearTimeout(timer);
    }
    if (gzipped !== undefined) {
      try {
        raw = (await gunzipAsync(gzipped)).toString('utf8');
      } catch (cause) {
        return {
          ok: false,
          error: fail('malformed', `${status} gzip body does not decode`, { status, cause }),
        };
      }
    }

    const receivedAtMs = opts.now();
    if (opts.recorder !== undefined) {
      const queryIndex = pathAndQuery.indexOf('?');
      const exchange: RecordedExchange = {
        method: 'GET',
        path,
        query: redactText(queryIndex < 0 ? '' : pathAndQuery.slice(queryIndex + 1), secrets),
        status,
        receivedAtMs,
        headers: pickRecordedHeaders(headers, secrets),
        body: redactText(raw, secrets),
      };
      try {
        opts.recorder.record(exchange);
      } catch (cause) {
        opts.logger.warn({ path, err: String((cause as Error).message) }, 'market recording failed');
      }
    }

    if (status >= 200 && status < 300) {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch (cause) {
        return {
          ok: false,
          error: fail('malformed', `${status} body is not valid JSON (${raw.length} bytes)`, {
            status,
            cause,
          }),
        };
      }
      return { ok: true, response: { body, status, path } };
    }

    const vendor = vendorErrorText(raw);
    const detail = `${status} ${statusText(status)}${vendor === undefined ? '' : `: ${vendor}`}`;
    if (status === 401) return { ok: false, error: fail('unauthorized', detail, { status }) };
    if (status === 403) return { ok: false, error: fail('forbidden', detail, { status }) };
    if (status === 429) {
      const retryAfterMs = parseRetryAfterMs(headerValue(headers, 'retry-after'), Date.now());
      return {
        ok: false,
        error: fail('rate_limited', detail, { status }),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    }
    if (status >= 500) {
      return {
        ok: false,
        error: new PolygonError({
          kind: 'http',
          method: 'GET',
          path,
          detail: redactText(detail, secrets),
          status,
          retry: 'retryable',
        }),
      };
    }
    return { ok: false, error: fail('http', detail, { status }) };
  }

  async function getJson(pathAndQuery: string): Promise<JsonResponse> {
    const queryIndex = pathAndQuery.indexOf('?');
    // A path can come from a vendor's next_url: never let the key reach a log or an error through it.
    const path = redactText(queryIndex < 0 ? pathAndQuery : pathAndQuery.slice(0, queryIndex), secrets);
    const { retry } = opts;
    for (let attempt = 0; ; attempt++) {
      const startedMs = Date.now();
      const result = await attemptOnce(pathAndQuery, path);
      const elapsedMs = Date.now() - startedMs;
      if (result.ok && result.response !== undefined) {
        opts.logger.debug(
          { path, status: result.response.status, elapsedMs, attempt: attempt + 1 },
          'polygon GET',
        );
        return result.response;
      }
      const error = result.error as PolygonError;
      const attempts = attempt + 1;
      const canRetry = error.retry === 'retryable' && attempt < retry.maxRetries;
      const tooLong = result.retryAfterMs !== undefined && result.retryAfterMs > retry.maxRetryAfterMs;
      if (!canRetry || tooLong) {
        throw new PolygonError({
          kind: error.kind,
          method: error.method,
          path: error.path,
          detail: error.message.slice(`[GET] ${path}: `.length),
          retry: error.retry,
          ...(error.status === undefined ? {} : { status: error.status }),
          ...(error.cause === undefined ? {} : { cause: error.cause }),
          attempts,
        });
      }
      const backoffMs = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
      // Equal jitter: half fixed, half random, so concurrent clients spread out but never retry instantly.
      const jitteredMs = Math.round(backoffMs / 2 + (opts.random() * backoffMs) / 2);
      const delayMs = Math.max(jitteredMs, result.retryAfterMs ?? 0);
      opts.logger.warn(
        { path, kind: error.kind, status: error.status, attempt: attempts, delayMs, elapsedMs },
        'polygon GET failed; retrying',
      );
      await opts.sleep(delayMs);
    }
  }

  return {
    getJson,
    baseUrl,
    get attempts() {
      return attempts;
    },
  };
}

function pickRecordedHeaders(
  headers: Record<string, string | string[] | undefined>,
  secrets: readonly string[],
): Record<string, string> {
  // Only headers a replay needs; never anything that could echo credentials.
  const out: Record<string, string> = {};
  for (const name of ['content-type', 'retry-after', 'x-request-id']) {
    const v = headerValue(headers, name);
    if (v !== undefined) out[name] = redactText(v, secrets);
  }
  return out;
}

/** `next_url` → path+query on our own base URL; any `apiKey` parameter dropped. */
export function nextPathAndQuery(nextUrl: string): string {
  let url: URL;
  try {
    url = new URL(nextUrl, 'http://placeholder.invalid');
  } catch {
    throw new Error(`next_url is not a URL: ${JSON.stringify(stripApiKeyParams(nextUrl).slice(0, 200))}`);
  }
  const params = new URLSearchParams(url.search);
  for (const key of [...params.keys()]) if (key.toLowerCase() === 'apikey') params.delete(key);
  const query = params.toString();
  return `${url.pathname}${query === '' ? '' : `?${query}`}`;
}
