import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createPolygonClient,
  isPolygonError,
  type PolygonError,
  parseMarketStatus,
  parseOptionChainPage,
  parseSnapshotItems,
  parseUpcomingHolidays,
  vendorTimeToMs,
} from '../src/index.js';
import { API_KEY } from './helpers.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')) as unknown;
const BASE = 'https://api.massive.com';
const src = { path: '/v3/snapshot/options/SPY' };

describe('chain payload mapping', () => {
  it('maps a full contract, tolerates {} and missing greeks/IV/quote/OI, skips "other"', () => {
    const page = parseOptionChainPage(fixture('chain-spy-page.json'), 'SPY', src);
    expect(page.nextUrl).toBe(
      'https://api.massive.com/v3/snapshot/options/SPY?cursor=YXA9TyUzQVNQWTI2MDYxOVA',
    );
    expect(page.contracts).toHaveLength(4);
    expect(page.filteredOut).toBe(1);
    const [full, emptyDay, bare, call] = page.contracts;
    expect(full).toEqual({
      ticker: 'O:SPY260619P00516000',
      root: 'SPY',
      underlying: 'SPY',
      type: 'put',
      expiry: '2026-06-19',
      strike: 516,
      bid: 2.72,
      ask: 2.76,
      quoteTimeMs: 1749242512345,
      openInterest: 18342,
      vendorDelta: -0.2213,
      vendorIv: 0.1734,
    });
    expect(emptyDay).toMatchObject({
      strike: 600,
      bid: 58.1,
      ask: 58.6,
      openInterest: 0,
      vendorDelta: null,
      vendorIv: null,
    });
    expect(bare).toMatchObject({
      strike: 400,
      bid: null,
      ask: null,
      quoteTimeMs: null,
      openInterest: null,
      vendorDelta: null,
    });
    expect(call).toMatchObject({ type: 'call', quoteTimeMs: null, vendorDelta: 0.71 });
  });

  it('re-filters by type, roots and expiry window client-side', () => {
    const spx = parseOptionChainPage(
      fixture('chain-spx-index.json'),
      'SPX',
      { path: '/v3/snapshot/options/I:SPX' },
      {
        roots: ['SPXW'],
        type: 'put',
        expiryFrom: '2026-06-01',
        expiryTo: '2026-06-30',
      },
    );
    expect(spx.contracts.map((c) => c.ticker)).toEqual(['O:SPXW260618P05400000']);
    expect(spx.contracts[0]).toMatchObject({ root: 'SPXW', underlying: 'SPX', vendorDelta: -0.1902 });
    expect(spx.filteredOut).toBe(1);
    const narrow = parseOptionChainPage(fixture('chain-spy-page.json'), 'SPY', src, {
      type: 'put',
      expiryTo: '2026-06-18',
    });
    expect(narrow.contracts).toEqual([]);
  });

  it('names the drifted field instead of crashing', () => {
    const body = fixture('chain-spy-page.json') as { results: { details: Record<string, unknown> }[] };
    body.results[1]!.details.strike_price = '600';
    expect(() => parseOptionChainPage(body, 'SPY', src)).toThrowError(
      '[GET] /v3/snapshot/options/SPY: schema drift at results[1].details.strike_price: expected a finite number, got string "600"',
    );
    const drifted = fixture('chain-spy-page.json') as { results: Record<string, unknown>[] };
    drifted.results[0]!.greeks = { delta: 'n/a' };
    try {
      parseOptionChainPage(drifted, 'SPY', src);
      expect.unreachable();
    } catch (e) {
      expect(isPolygonError(e)).toBe(true);
      expect((e as PolygonError).kind).toBe('schema');
      expect((e as PolygonError).retry).toBe('non-retryable');
      expect((e as Error).message).toContain('results[0].greeks.delta');
    }
    expect(() => parseOptionChainPage({ status: 'OK', results: {} }, 'SPY', src)).toThrowError(
      'schema drift at results: expected an array, got object',
    );
    expect(() => parseOptionChainPage('<html>', 'SPY', src)).toThrowError('schema drift at (body)');
  });

  it('converts nanosecond, microsecond and millisecond vendor times to ms', () => {
    expect(vendorTimeToMs(Number(1749242512345678848n))).toBe(1749242512345);
    expect(vendorTimeToMs(1749242512345678)).toBe(1749242512345);
    expect(vendorTimeToMs(1749242512345)).toBe(1749242512345);
  });
});

describe('snapshot payload mapping', () => {
  it('prices stocks from the last trade, indices from value, options as quotes, errors per ticker', () => {
    const items = parseSnapshotItems(fixture('universal-snapshot.json'), { path: '/v3/snapshot' }, (root) =>
      root === 'SPXW' ? 'SPX' : root,
    );
    expect(items.get('SPY')).toEqual({ kind: 'price', ticker: 'SPY', price: 541.87, timeMs: 1749242512800 });
    // No trade and no session price: the quote midpoint.
    expect(items.get('QQQ')).toMatchObject({ kind: 'price', price: 468.01 });
    expect(items.get('I:SPX')).toEqual({
      kind: 'price',
      ticker: 'I:SPX',
      price: 5618.25,
      timeMs: 1749242512000,
    });
    const opt = items.get('O:SPY260619P00516000');
    expect(opt?.kind === 'option' && opt.quote).toMatchObject({
      ticker: 'O:SPY260619P00516000',
      root: 'SPY',
      strike: 516,
      bid: 2.72,
    });
    const spxw = items.get('O:SPXW260618P05400000');
    expect(spxw?.kind === 'option' && spxw.quote).toMatchObject({
      underlying: 'SPX',
      root: 'SPXW',
      vendorDelta: null,
    });
    expect(items.get('TSLAAPL')).toEqual({
      kind: 'error',
      ticker: 'TSLAAPL',
      error: { ticker: 'TSLAAPL', error: 'NOT_FOUND', message: 'Ticker not found.' },
    });
  });

  it('reads the indices snapshot with its error items', () => {
    const items = parseSnapshotItems(fixture('indices-snapshot.json'), { path: '/v3/snapshot/indices' });
    expect(items.get('I:VIX')).toEqual({
      kind: 'price',
      ticker: 'I:VIX',
      price: 17.42,
      timeMs: 1749242400000,
    });
    expect(items.get('APy')).toMatchObject({ kind: 'error', error: { error: 'NOT_ENTITLED' } });
  });

  it('maps market status and de-duplicates upcoming holidays by date', () => {
    const status = parseMarketStatus(fixture('marketstatus-now.json'), { path: '/v1/marketstatus/now' });
    expect(status).toMatchObject({
      market: 'open',
      serverTimeMs: Date.parse('2026-06-06T15:02:13Z'),
      afterHours: false,
    });
    const days = parseUpcomingHolidays(fixture('marketstatus-upcoming.json'), {
      path: '/v1/marketstatus/upcoming',
    });
    expect(days).toEqual([
      {
        date: '2026-06-19',
        name: 'Juneteenth',
        status: 'closed',
        openMs: null,
        closeMs: null,
        exchanges: ['NYSE', 'NASDAQ'],
      },
      {
        date: '2026-11-27',
        name: 'Thanksgiving',
        status: 'early-close',
        openMs: Date.parse('2026-11-27T14:30:00.000Z'),
        closeMs: Date.parse('2026-11-27T18:00:00.000Z'),
        exchanges: ['NYSE', 'NASDAQ'],
      },
    ]);
    expect(() =>
      parseMarketStatus({ market: 1, serverTime: 'x' }, { path: '/v1/marketstatus/now' }),
    ).toThrowError(/\[GET\] \/v1\/marketstatus\/now: schema drift at market/);
  });
});

describe('vendor error bodies through the client (undici MockAgent)', () => {
  let agent: MockAgent;
  afterEach(async () => {
    await agent.close();
  });
  const errors = fixture('errors.json') as Record<string, { status: number; body: unknown }>;
  const cases: [string, PolygonError['kind'], PolygonError['retry'], string][] = [
    ['401_no_key', 'unauthorized', 'fatal', '401 Unauthorized: API Key was not provided'],
    ['401_bad_key', 'unauthorized', 'fatal', '401 Unauthorized: Unknown API Key'],
    ['403_plan', 'forbidden', 'non-retryable', '403 Forbidden: You are not entitled to this data.'],
    [
      '403_timeframe',
      'forbidden',
      'non-retryable',
      "403 Forbidden: Your plan doesn't include this data timeframe.",
    ],
    ['404', 'http', 'non-retryable', '404 Not Found: Data not found.'],
    ['400', 'http', 'non-retryable', "400 Bad Request: Invalid value for parameter 'limit'"],
  ];
  for (const [name, kind, retry, text] of cases) {
    it(`${name} -> ${kind}, not retried`, async () => {
      agent = new MockAgent();
      agent.disableNetConnect();
      const e = errors[name]!;
      agent
        .get(BASE)
        .intercept({ path: (p) => p.startsWith('/v1/marketstatus/now'), method: 'GET' })
        .reply(e.status, JSON.stringify(e.body), { headers: { 'content-type': 'application/json' } });
      const client = createPolygonClient({
        baseUrl: BASE,
        apiKey: API_KEY,
        dispatcher: agent,
        sleep: async () => {},
      });
      const err = (await client.fetchMarketStatus().catch((x: unknown) => x)) as PolygonError;
      expect(err._tag).toBe('PolygonError');
      expect(err.kind).toBe(kind);
      expect(err.retry).toBe(retry);
      expect(err.status).toBe(e.status);
      expect(err.attempts).toBe(1);
      expect(err.message.startsWith(`[GET] /v1/marketstatus/now: ${text}`)).toBe(true);
      expect(client.requestCount).toBe(1);
    });
  }

  it('429 with the vendor body is retried and then surfaces as rate_limited', async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    const e = errors['429']!;
    agent
      .get(BASE)
      .intercept({ path: '/v1/marketstatus/now', method: 'GET' })
      .reply(429, JSON.stringify(e.body))
      .times(3);
    const sleeps: number[] = [];
    const client = createPolygonClient({
      baseUrl: BASE,
      apiKey: API_KEY,
      dispatcher: agent,
      retry: { maxRetries: 2, baseDelayMs: 100 },
      random: () => 0,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const err = (await client.fetchMarketStatus().catch((x: unknown) => x)) as PolygonError;
    expect(err.kind).toBe('rate_limited');
    expect(err.attempts).toBe(3);
    expect(err.message).toBe(
      "[GET] /v1/marketstatus/now: 429 Too Many Requests: You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue. https://polygon.io/pricing",
    );
    expect(sleeps).toEqual([50, 100]);
  });

  it('sends the key as a Bearer header, never in the URL', async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    let seenAuth: unknown;
    let seenPath = '';
    agent
      .get(BASE)
      .intercept({ path: (p) => p.startsWith('/v1/marketstatus/upcoming'), method: 'GET' })
      .reply((opts) => {
        seenAuth = (opts.headers as Record<string, string>).authorization;
        seenPath = opts.path;
        return { statusCode: 200, data: JSON.stringify(fixture('marketstatus-upcoming.json')) };
      });
    const client = createPolygonClient({ baseUrl: BASE, apiKey: API_KEY, dispatcher: agent });
    const days = await client.fetchUpcomingHolidays();
    expect(days.map((d) => d.date)).toEqual(['2026-06-19', '2026-11-27']);
    expect(seenAuth).toBe(`Bearer ${API_KEY}`);
    expect(seenPath).not.toContain(API_KEY);
  });
});
