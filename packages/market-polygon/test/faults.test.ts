import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPolygonClient, type PolygonError } from '../src/index.js';
import { type FakePolygonServer, startFakePolygonServer } from '../src/testing/index.js';
import { API_KEY, captureLogger, fastClient, planFor, T0 } from './helpers.js';

let server: FakePolygonServer;
const now = () => T0;

beforeAll(async () => {
  server = await startFakePolygonServer({ source: { kind: 'sim', seed: 11 }, apiKey: API_KEY, now });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.setFaults({});
  server.requests.reset();
});

const spyChain = {
  underlying: 'SPY',
  contractType: 'put' as const,
  expiryFrom: '2026-05-01',
  expiryTo: '2026-05-29',
};
const fail = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as PolygonError,
  );

describe('injected faults', () => {
  it('a 429 burst without Retry-After is retried with exponential backoff and succeeds', async () => {
    const { client, sleeps } = fastClient(server.baseUrl);
    const baseline = await client.fetchOptionChain(spyChain);
    server.requests.reset();
    server.setFaults({ rateLimit: { count: 2 } });
    const chain = await client.fetchOptionChain(spyChain);
    expect(chain.contracts).toEqual(baseline.contracts);
    expect(sleeps).toEqual([75, 150]); // 100·2^n with equal jitter at random()=0.5
    expect(server.requests.log.filter((r) => r.status === 429)).toHaveLength(2);
  });

  it('honours Retry-After, and gives up when it is longer than the cap', async () => {
    const { client, sleeps } = fastClient(server.baseUrl);
    server.setFaults({ rateLimit: { count: 1, retryAfterSeconds: 2 } });
    await client.fetchMarketStatus();
    expect(sleeps).toEqual([2_000]);

    const capped = fastClient(server.baseUrl, {
      retry: { maxRetries: 3, baseDelayMs: 100, maxRetryAfterMs: 1_000 },
    });
    server.setFaults({ rateLimit: { count: 1, retryAfterSeconds: 5 } });
    const err = await fail(capped.client.fetchMarketStatus());
    expect(err).toMatchObject({
      _tag: 'PolygonError',
      kind: 'rate_limited',
      retry: 'retryable',
      status: 429,
      attempts: 1,
    });
    expect(capped.sleeps).toEqual([]);
  });

  it('retries are bounded: a persistent 5xx fails after maxRetries + 1 attempts', async () => {
    const { client, sleeps } = fastClient(server.baseUrl);
    server.setFaults({ serverError: { count: 100, status: 503 } });
    const err = await fail(client.fetchMarketStatus());
    expect(err).toMatchObject({ kind: 'http', retry: 'retryable', status: 503, attempts: 4 });
    expect(err.message).toBe('[GET] /v1/marketstatus/now: 503 Service Unavailable');
    expect(server.requests.count).toBe(4);
    expect(sleeps).toEqual([75, 150, 300]);
  });

  it('a 502 gateway page once is retried transparently', async () => {
    const { client } = fastClient(server.baseUrl);
    server.setFaults({ serverError: { count: 1 } });
    const status = await client.fetchMarketStatus();
    expect(status.market).toBe('open');
    expect(server.requests.log.map((r) => r.status)).toEqual([502, 200]);
  });

  it('401 is never retried, and the body text is kept', async () => {
    const client = createPolygonClient({
      baseUrl: server.baseUrl,
      apiKey: 'wrong-key',
      sleep: async () => {},
    });
    const err = await fail(client.fetchMarketStatus());
    expect(err).toMatchObject({ kind: 'unauthorized', retry: 'fatal', status: 401, attempts: 1 });
    expect(err.message).toBe('[GET] /v1/marketstatus/now: 401 Unauthorized: Unknown API Key');
    expect(server.requests.count).toBe(1);
  });

  it('a malformed page is a typed error for that underlying; the scan goes on', async () => {
    const { client } = fastClient(server.baseUrl);
    server.setFaults({ malformed: { count: 1, match: '/options/QQQ' } });
    const snap = await client.fetchScanSnapshot(planFor(T0));
    expect(snap.chains.QQQ).toBeUndefined();
    expect(snap.underlyings.QQQ).toBeUndefined();
    expect(Object.keys(snap.chains).sort()).toEqual(['IWM', 'SPX', 'SPY']);
    expect(snap.errors).toHaveLength(1);
    expect(snap.errors[0]).toMatchObject({ source: 'polygon', code: 'malformed', underlying: 'QQQ' });
    expect(snap.errors[0]!.message).toMatch(
      /^\[GET\] \/v3\/snapshot\/options\/QQQ: 200 body is not valid JSON/,
    );
  });

  it('a repeating cursor is caught by the loop guard', async () => {
    const { client } = fastClient(server.baseUrl);
    server.setFaults({ repeatCursor: { match: '/options/SPY' } });
    const err = await fail(client.fetchOptionChain(spyChain));
    expect(err).toMatchObject({ kind: 'cursor_loop', retry: 'non-retryable' });
    expect(err.message).toBe(
      '[GET] /v3/snapshot/options/SPY: next_url repeats a cursor already followed after 2 pages',
    );
    expect(server.requests.count).toBe(2);
  });

  it('the page cap stops runaway pagination', async () => {
    const { client } = fastClient(server.baseUrl, { pageCap: 2 });
    const err = await fail(client.fetchOptionChain({ underlying: 'SPY' }));
    expect(err).toMatchObject({ kind: 'page_cap' });
    expect(err.message).toBe('[GET] /v3/snapshot/options/SPY: more than 2 pages; stopped following next_url');
    expect(server.requests.count).toBe(2);
  });

  it('a truncated body is a network error, retried', async () => {
    const { client, sleeps } = fastClient(server.baseUrl);
    server.setFaults({ truncated: { count: 1 } });
    const status = await client.fetchMarketStatus();
    expect(status.market).toBe('open');
    expect(sleeps).toHaveLength(1);

    server.setFaults({ truncated: { count: 10 } });
    const noRetry = fastClient(server.baseUrl, { retry: { maxRetries: 1, baseDelayMs: 1 } });
    const err = await fail(noRetry.client.fetchMarketStatus());
    expect(err).toMatchObject({ kind: 'network', retry: 'retryable', attempts: 2 });
  });

  it('latency beyond the timeout is a timeout error, bounded by maxRetries', async () => {
    const log = captureLogger();
    const { client } = fastClient(server.baseUrl, {
      timeoutMs: 100,
      retry: { maxRetries: 1, baseDelayMs: 1 },
      logger: log.logger,
    });
    server.setFaults({ latencyMs: 2_000 });
    const err = await fail(client.fetchMarketStatus());
    expect(err).toMatchObject({ kind: 'timeout', retry: 'retryable', attempts: 2 });
    expect(err.message).toBe('[GET] /v1/marketstatus/now: timed out after 100 ms');
    expect(log.lines.filter((l) => l.msg === 'polygon GET failed; retrying')).toHaveLength(1);
  });

  it('VIX down: vix null and vix_unavailable, chains still there', async () => {
    const { client } = fastClient(server.baseUrl, { retry: { maxRetries: 0 } });
    server.setFaults({ serverError: { count: 1, match: '/v3/snapshot/indices' } });
    const snap = await client.fetchScanSnapshot(planFor(T0));
    expect(snap.vix).toBeNull();
    expect(snap.errors).toEqual([
      {
        source: 'polygon',
        code: 'vix_unavailable',
        message: 'I:VIX: [GET] /v3/snapshot/indices: 502 Bad Gateway',
      },
    ]);
    expect(Object.keys(snap.chains)).toHaveLength(4);
  });

  it('universal snapshot down: every underlying gets an error naming it, VIX and legs unaffected', async () => {
    const { client } = fastClient(server.baseUrl, { retry: { maxRetries: 0 } });
    server.setFaults({ serverError: { count: 1, path: '/v3/snapshot', status: 500 } });
    const snap = await client.fetchScanSnapshot(planFor(T0));
    expect(snap.vix).not.toBeNull();
    expect(snap.chains).toEqual({});
    expect(snap.underlyings).toEqual({});
    expect(snap.errors.map((e) => [e.code, e.underlying])).toEqual([
      ['http_error', 'SPY'],
      ['http_error', 'QQQ'],
      ['http_error', 'IWM'],
      ['http_error', 'SPX'],
    ]);
    expect(snap.errors[3]!.message).toBe('I:SPX: [GET] /v3/snapshot: 500 Internal Server Error');
  });
});
