import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { type Dispatcher, request } from 'undici';
import { SaxoError, type SaxoErrorKind } from '../errors.js';
import type { Logger, NowMs, SleepMs } from '../ports.js';
import type { TokenSource } from '../token/token-source.js';
import { createRateLimiter, type RateLimiter } from './limiter.js';

/** `read` and `precheck` have no side effects and may be retried; `order` may create an order and is never resent blindly. */
export type CallClass = 'read' | 'precheck' | 'order';

export interface CallOptions {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** API path below the base URL, e.g. `/trade/v2/orders/multileg`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  callClass: CallClass;
  /** `X-Request-ID`; a random one is used when absent. */
  requestId?: string;
}

export interface CallResult {
  status: number;
  body: unknown;
  correlationId: string | undefined;
}

export interface RateLimits {
  /** Per service group (`/trade`, `/port`, `/ref`, …) per minute (default 120). */
  requestsPerMinute?: number;
  /** Order placements per second (default 1). */
  ordersPerSecond?: number;
  /** Per-request timeout (default 15000 ms). */
  requestTimeoutMs?: number;
  /** 429 retries before giving up (default 3). */
  maxRateLimitRetries?: number;
  /** Longest single 429 wait; a longer server-imposed reset fails fast instead (default 60000 ms). */
  maxBackoffMs?: number;
  /** 5xx / timeout / network retries for reads and prechecks (default 2). */
  maxTransientRetries?: number;
  /** First transient backoff, doubled per retry (default 250 ms). */
  transientBackoffMs?: number;
}

export interface Http {
  call(options: CallOptions): Promise<CallResult>;
}

export function createTransport(options: {
  baseUrl: string;
  tokens: TokenSource;
  dispatcher: Dispatcher | undefined;
  logger: Logger;
  now: NowMs;
  sleep: SleepMs;
  limits: RateLimits;
}): Http {
  const { tokens, dispatcher, logger, now, sleep, limits } = options;
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new SaxoError({
      kind: 'invalid_input',
      message: `baseUrl: expected http(s) URL, got ${base.protocol}`,
    });
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  const perMinute = limits.requestsPerMinute ?? 120;
  const timeoutMs = limits.requestTimeoutMs ?? 15_000;
  const maxRateLimitRetries = limits.maxRateLimitRetries ?? 3;
  const maxBackoffMs = limits.maxBackoffMs ?? 60_000;
  const maxTransientRetries = limits.maxTransientRetries ?? 2;
  const transientBackoffMs = limits.transientBackoffMs ?? 250;
  const groupLimiters = new Map<string, RateLimiter>();
  const orderLimiter = createRateLimiter({
    limit: limits.ordersPerSecond ?? 1,
    windowMs: 1000,
    now,
    sleep,
  });

  const limiterFor = (group: string): RateLimiter => {
    let limiter = groupLimiters.get(group);
    if (!limiter) {
      limiter = createRateLimiter({ limit: perMinute, windowMs: 60_000, now, sleep });
      groupLimiters.set(group, limiter);
    }
    return limiter;
  };

  function buildUrl(path: string, query: CallOptions['query']): URL {
    const url = new URL(base.origin);
    url.pathname = basePath + path;
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  async function once(
    opts: CallOptions,
    token: string,
    requestId: string,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'x-request-id': requestId,
      };
      let body: string | null = null;
      if (opts.body !== undefined) {
        headers['content-type'] = 'application/json; charset=utf-8';
        body = JSON.stringify(opts.body);
      }
      const response = await request(buildUrl(opts.path, opts.query), {
        method: opts.method,
        headers,
        body,
        signal: controller.signal,
        ...(dispatcher ? { dispatcher } : {}),
      });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      const kind: SaxoErrorKind = controller.signal.aborted ? 'timeout' : 'network';
      throw new SaxoError({
        kind,
        message: `[${opts.method}] ${opts.path}: ${kind === 'timeout' ? `no response within ${timeoutMs} ms` : networkDetail(error)}`,
        method: opts.method,
        path: opts.path,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  function rateLimitWaitMs(headers: Record<string, string | string[] | undefined>, attempt: number): number {
    let waitMs = 0;
    for (const [name, raw] of Object.entries(headers)) {
      const match = /^x-ratelimit-(.+)-remaining$/i.exec(name);
      if (!match || Number(first(raw)) > 0) continue;
      const reset = Number(first(headers[`x-ratelimit-${match[1]}-reset`]));
      if (Number.isFinite(reset)) waitMs = Math.max(waitMs, reset * 1000);
    }
    const retryAfter = Number(first(headers['retry-after']));
    if (Number.isFinite(retryAfter)) waitMs = Math.max(waitMs, retryAfter * 1000);
    // No usable header: exponential 1 s, 2 s, 4 s …
    return waitMs > 0 ? waitMs : 1000 * 2 ** attempt;
  }

  async function call(opts: CallOptions): Promise<CallResult> {
    const group = opts.path.split('/')[1] ?? '';
    let requestId = opts.requestId ?? randomUUID();
    let reauthorised = false;
    let rateLimitRetries = 0;
    let transientRetries = 0;
    let conflictRetried = false;

    for (;;) {
      const token = await tokens.getAccessToken();
      await limiterFor(group).acquire();
      if (opts.callClass === 'order') await orderLimiter.acquire();
      const startedMs = now();
      let response: Awaited<ReturnType<typeof once>>;
      try {
        response = await once(opts, token, requestId);
      } catch (error) {
        const transient = error instanceof SaxoError && opts.callClass !== 'order';
        if (transient && transientRetries < maxTransientRetries) {
          const waitMs = transientBackoffMs * 2 ** transientRetries++;
          logger.warn(
            { method: opts.method, path: opts.path, kind: (error as SaxoError).kind, waitMs },
            'saxo request failed; retrying',
          );
          await sleep(waitMs);
          continue;
        }
        throw error;
      }
      const { status, headers, text } = response;
      const correlationId = first(headers['x-correlation']);
      logger.debug(
        { method: opts.method, path: opts.path, status, ms: now() - startedMs, requestId, correlationId },
        'saxo request',
      );

      if (status === 401 && !reauthorised) {
        // The keeper may have rotated the token since we read it: re-read once and retry once.
        reauthorised = true;
        tokens.invalidate();
        logger.warn(
          { method: opts.method, path: opts.path },
          'saxo 401; re-reading token file and retrying once',
        );
        continue;
      }
      if (status === 429) {
        const waitMs = rateLimitWaitMs(headers, rateLimitRetries);
        if (rateLimitRetries < maxRateLimitRetries && waitMs <= maxBackoffMs) {
          rateLimitRetries++;
          limiterFor(group).pauseUntil(now() + waitMs);
          if (opts.callClass === 'order') orderLimiter.pauseUntil(now() + waitMs);
          logger.warn({ method: opts.method, path: opts.path, waitMs }, 'saxo 429; backing off');
          continue;
        }
      }
      if (status === 409 && opts.callClass !== 'order' && !conflictRetried) {
        // Duplicate detection on a side-effect-free call: a fresh request id makes it distinct.
        conflictRetried = true;
        requestId = randomUUID();
        continue;
      }
      if (status >= 500 && opts.callClass !== 'order' && transientRetries < maxTransientRetries) {
        const waitMs = transientBackoffMs * 2 ** transientRetries++;
        logger.warn({ method: opts.method, path: opts.path, status, waitMs }, 'saxo server error; retrying');
        await sleep(waitMs);
        continue;
      }

      const body = parseBody(text);
      if (status >= 200 && status < 300) {
        if (body === INVALID_JSON) {
          throw new SaxoError({
            kind: 'bad_response',
            message: `[${opts.method}] ${opts.path}: ${status} with a body that is not JSON`,
            status,
            method: opts.method,
            path: opts.path,
            ...(correlationId ? { correlationId } : {}),
          });
        }
        return { status, body, correlationId };
      }
      throw httpError(opts, status, body, correlationId);
    }
  }

  return { call };
}

const INVALID_JSON = Symbol('invalid-json');

function parseBody(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID_JSON;
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function networkDetail(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return `network error${typeof code === 'string' ? ` (${code})` : ''}`;
}

/** Broker error code from `{ErrorCode}` or `{ErrorInfo: {ErrorCode}}` bodies. */
export function brokerErrorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as { ErrorCode?: unknown; ErrorInfo?: { ErrorCode?: unknown } };
  const code = record.ErrorInfo?.ErrorCode ?? record.ErrorCode;
  return typeof code === 'string' && code.length > 0 ? code : undefined;
}

function httpError(
  opts: CallOptions,
  status: number,
  body: unknown,
  correlationId: string | undefined,
): SaxoError {
  const kind: SaxoErrorKind =
    status === 400
      ? 'bad_request'
      : status === 401
        ? 'unauthorized'
        : status === 403
          ? 'forbidden'
          : status === 404
            ? 'not_found'
            : status === 409
              ? 'conflict'
              : status === 429
                ? 'rate_limited'
                : status >= 500
                  ? 'server_error'
                  : 'http_error';
  const errorCode = body === INVALID_JSON ? undefined : brokerErrorCode(body);
  return new SaxoError({
    kind,
    message: `[${opts.method}] ${opts.path}: ${status} ${STATUS_CODES[status] ?? 'HTTP error'}${errorCode ? ` (${errorCode})` : ''}`,
    status,
    method: opts.method,
    path: opts.path,
    ...(errorCode ? { errorCode } : {}),
    ...(correlationId ? { correlationId } : {}),
  });
}
