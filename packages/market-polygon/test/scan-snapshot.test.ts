import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakePolygonServer, startFakePolygonServer } from '../src/testing/index.js';
import { API_KEY, fastClient, planFor, T0 } from './helpers.js';

let server: FakePolygonServer;
let now = T0;

beforeAll(async () => {
  server = await startFakePolygonServer({
    source: { kind: 'sim', seed: 7 },
    apiKey: API_KEY,
    now: () => now,
  });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  now = T0;
  server.setFaults({});
  server.requests.reset();
});

describe('fetchScanSnapshot on the synthetic market', () => {
  it('returns put chains restricted to window and roots, prices, VIX, in the minimum number of requests', async () => {
    const { client } = fastClient(server.baseUrl);
    const plan = planFor(T0);
    const snap = await client.fetchScanSnapshot(plan);
    expect(snap.errors).toEqual([]);
    expect(snap.asOfMs).toBe(T0);
    const lv = server.market!.levels(T0);
    expect(snap.vix).toBe(lv.VIX);
    expect(snap.underlyings.SPY).toMatchObject({ symbol: 'SPY', price: lv.SPY });
    expect(snap.underlyings.SPX).toMatchObject({ symbol: 'SPX', price: lv.SPX });
    for (const u of plan.underlyings) {
      const chain = snap.chains[u.symbol]!;
      expect(chain.length).toBeGreaterThan(100);
      for (const c of chain) {
        expect(c.type).toBe('put');
        expect(u.optionRoots).toContain(c.root);
        expect(c.expiry >= u.expiryFrom && c.expiry <= u.expiryTo).toBe(true);
        expect(c.underlying).toBe(u.symbol);
      }
    }
    // SPX monthlies (root SPX) are served by the index chain but not kept for an SPXW plan.
    const spxServed = server.market!.listing('SPX', T0).filter((c) => c.root === 'SPX' && c.type === 'put');
    expect(spxServed.length).toBeGreaterThan(0);
    expect(snap.chains.SPX!.some((c) => c.root === 'SPX')).toBe(false);

    // chain pages + 1 (VIX) + 1 (underlyings) + 0 legs
    const chainRequests = server.requests.log.filter((r) =>
      r.path.startsWith('/v3/snapshot/options/'),
    ).length;
    const expectedPages = plan.underlyings.reduce((n, u) => {
      const count = server
        .market!.listing(u.symbol as 'SPY', T0)
        .filter((c) => c.type === 'put' && c.expiry >= u.expiryFrom && c.expiry <= u.expiryTo).length;
      return n + Math.ceil(count / 250);
    }, 0);
    expect(chainRequests).toBe(expectedPages);
    expect(server.requests.count).toBe(expectedPages + 2);
    expect(client.requestCount).toBe(expectedPages + 2);
  });

  it('fetches leg quotes in batches of at most 250 tickers', async () => {
    const { client } = fastClient(server.baseUrl);
    const listed = server.market!.listing('SPY', T0).filter((c) => c.type === 'put');
    const legs = listed.slice(0, 260).map((c) => c.ticker);
    const plan = planFor(T0, legs);
    const snap = await client.fetchScanSnapshot(plan);
    expect(snap.errors).toEqual([]);
    expect(Object.keys(snap.legs).sort()).toEqual([...legs].sort());
    const leg = snap.legs[legs[0]!]!;
    expect(leg).toMatchObject({
      ticker: legs[0],
      underlying: 'SPY',
      root: 'SPY',
      type: 'put',
      strike: listed[0]!.strike,
    });
    const universal = server.requests.log.filter((r) => r.path === '/v3/snapshot');
    // 1 underlyings request + ceil(260 / 250) = 2 leg batches
    expect(universal.length).toBe(3);
    const batchSizes = universal
      .map((r) => new URLSearchParams(r.query).get('ticker.any_of')!.split(',').length)
      .sort((a, b) => a - b);
    expect(batchSizes).toEqual([4, 10, 250]);
  });

  it('records per-ticker errors inside a 200 for that underlying and goes on', async () => {
    server.setFaults({ tickerErrors: { IWM: 'NOT_FOUND', 'I:VIX': 'NOT_ENTITLED' } });
    const { client } = fastClient(server.baseUrl);
    const snap = await client.fetchScanSnapshot(planFor(T0));
    expect(snap.vix).toBeNull();
    expect(snap.underlyings.IWM).toBeUndefined();
    expect(snap.chains.IWM).toBeUndefined();
    expect(Object.keys(snap.chains).sort()).toEqual(['QQQ', 'SPX', 'SPY']);
    expect(snap.errors).toEqual([
      {
        source: 'polygon',
        code: 'vix_unavailable',
        message: 'I:VIX: NOT_ENTITLED Not entitled to this ticker.',
      },
      {
        source: 'polygon',
        code: 'not_found',
        message: 'IWM: NOT_FOUND Ticker not found.',
        underlying: 'IWM',
      },
    ]);
  });

  it('re-filters rows the server sent outside the requested window', async () => {
    server.setFaults({ outOfFilterRows: true });
    const { client } = fastClient(server.baseUrl);
    const chain = await client.fetchOptionChain({
      underlying: 'SPY',
      contractType: 'put',
      expiryFrom: '2026-05-01',
      expiryTo: '2026-05-31',
    });
    expect(chain.filteredOut).toBeGreaterThan(0);
    expect(
      chain.contracts.every((c) => c.type === 'put' && c.expiry >= '2026-05-01' && c.expiry <= '2026-05-31'),
    ).toBe(true);
  });

  it('is deterministic: the same instant gives the same snapshot, another minute a different one', async () => {
    const { client } = fastClient(server.baseUrl);
    const a = await client.fetchScanSnapshot(planFor(T0));
    const b = await client.fetchScanSnapshot(planFor(T0));
    expect(b).toEqual(a);
    now = T0 + 5 * 60_000;
    const c = await client.fetchScanSnapshot(planFor(now));
    expect(c.underlyings.SPY!.price).not.toBe(a.underlyings.SPY!.price);
  });
});
