import { rm, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { isSaxoError, type SaxoError, type TokenSource } from '../src/index.js';
import { fakeUic, writeTokenFile } from '../src/testing/index.js';
import { caught, type Harness, HOUR_MS, setup, spxwSpread, spySpread, TOKEN_A, TOKEN_B } from './helpers.js';

const REF = 'LT_RC:2026-04-10:SPY:20260515:495:490:open:17';
let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('account and instruments', () => {
  it('reads ClientKey and the default AccountKey once', async () => {
    h = await setup();
    expect(await h.client.getAccount()).toEqual({
      accountKey: 'fake-account-key==',
      clientKey: 'fake-client-key==',
    });
    await h.client.getAccount();
    expect(h.server.requests.filter((r) => r.path === '/port/v1/clients/me')).toHaveLength(1);
  });

  it('falls back to /port/v1/accounts/me when the client has no default account', async () => {
    h = await setup({
      server: {
        faults: [
          {
            path: '/port/v1/clients/me',
            fault: { type: 'status', status: 200, body: { ClientKey: 'ck-2==' } },
          },
        ],
      },
    });
    expect(await h.client.getAccount()).toEqual({ accountKey: 'fake-account-key==', clientKey: 'ck-2==' });
    expect(h.server.requests.map((r) => r.path)).toEqual(['/port/v1/clients/me', '/port/v1/accounts/me']);
  });

  it('maps (root, expiry, strike, put) to a Uic for StockOption and StockIndexOption roots, cached per root and expiry', async () => {
    h = await setup();
    const spy = await h.client.resolveSpread(spySpread(495, 490));
    expect(spy).toEqual({
      root: 'SPY',
      assetType: 'StockOption',
      shortUic: fakeUic({ root: 'SPY', expiry: '2026-05-15', putCall: 'Put', strike: 495 }),
      longUic: fakeUic({ root: 'SPY', expiry: '2026-05-15', putCall: 'Put', strike: 490 }),
    });
    const spx = await h.client.resolveSpread(spxwSpread(5100, 5050));
    expect(spx.assetType).toBe('StockIndexOption');
    expect(spx.root).toBe('SPXW');
    expect(spx.shortUic).toBe(fakeUic({ root: 'SPXW', expiry: '2026-05-15', putCall: 'Put', strike: 5100 }));

    const search = h.server.requests.filter((r) => r.path === '/ref/v1/instruments');
    expect(search.map((r) => [r.query.Keywords, r.query.AssetTypes])).toEqual([
      ['SPY', 'StockOption'],
      ['SPXW', 'StockIndexOption'],
    ]);
    // The multi-leg capable US root, not the EUREX listing the search also returns.
    const spaces = h.server.requests.filter((r) =>
      r.path.startsWith('/ref/v1/instruments/contractoptionspaces/'),
    );
    expect(spaces.map((r) => [r.path, r.query.OptionSpaceSegment, r.query.ExpiryDates])).toEqual([
      ['/ref/v1/instruments/contractoptionspaces/301', 'SpecificDates', '2026-05-15'],
      ['/ref/v1/instruments/contractoptionspaces/128', 'SpecificDates', '2026-05-15'],
    ]);

    await h.client.resolveSpread(spySpread(500, 495));
    await h.client.resolveSpread(spySpread(495, 490, '2026-05-22'));
    expect(h.server.requests.filter((r) => r.path.startsWith('/ref/')).length).toBe(5);
    expect(h.client.instruments.lookupUic(spy.shortUic)).toMatchObject({
      root: 'SPY',
      strike: 495,
      putCall: 'Put',
    });
  });

  it('skips the root search for a configured root id', async () => {
    h = await setup({ client: { optionRootIds: { SPXW: 128 } } });
    await h.client.resolveSpread(spxwSpread());
    expect(h.server.requests.filter((r) => r.path === '/ref/v1/instruments')).toEqual([]);
  });

  it('reports a strike that is not listed as instrument_not_found, naming the contract', async () => {
    h = await setup();
    const error = (await caught(() => h.client.resolveSpread(spySpread(495.5, 490)))) as SaxoError;
    expect(error.kind).toBe('instrument_not_found');
    expect(error.message).toBe('SPY 2026-05-15 Put 495.5: not in option space of root 301');
  });
});

describe('precheck', () => {
  it('sends the multileg precheck body and keeps costs and margin when Ok', async () => {
    h = await setup();
    const result = await h.client.precheckSpread({
      spread: spySpread(),
      quantity: 3,
      limitPrice: 1.52,
      side: 'open',
      externalReference: REF,
    });
    expect(result.status).toBe('precheck_ok');
    expect(result.reason).toBeNull();
    expect(result.costs?.cost).toEqual({
      Commission: 3.9,
      ExchangeFee: 0,
      GuaranteedStopFee: 0,
      StampDuty: 0,
    });
    expect(result.costs?.estimatedCashRequired).toBe(-456);
    expect(result.margin).toMatchObject({ InitialMarginSell: 1044 });
    const [sent] = h.server.prechecks;
    expect(sent).toMatchObject({ orderType: 'Limit', orderPrice: 1.52, externalReference: REF });
    expect(sent?.legs.map((l) => [l.contract.strike, l.buySell, l.toOpenClose, l.amount])).toEqual([
      [495, 'Sell', 'ToOpen', 3],
      [490, 'Buy', 'ToOpen', 3],
    ]);
    const log = h.server.requests.find((r) => r.path === '/trade/v2/orders/multileg/precheck');
    expect(log?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('prechecks a close with inverted directions and ToClose legs', async () => {
    h = await setup();
    const result = await h.client.precheckSpread({
      spread: spxwSpread(),
      quantity: 1,
      limitPrice: 0.65,
      side: 'close',
      externalReference: 'LT_RC:x:close',
    });
    expect(result.status).toBe('precheck_ok');
    expect(h.server.prechecks[0]?.legs.map((l) => [l.assetType, l.buySell, l.toOpenClose])).toEqual([
      ['StockIndexOption', 'Buy', 'ToClose'],
      ['StockIndexOption', 'Sell', 'ToClose'],
    ]);
  });

  it('rejects on ErrorInfo even when PreCheckResult is Ok, and maps each configured verdict', async () => {
    h = await setup({
      server: {
        verdicts: (order) =>
          order.legs[0]?.contract.strike === 495
            ? {
                errorCode: 'WouldExceedMargin',
                message: 'Trade would exceed margin limits',
                preCheckResult: 'Ok',
              }
            : order.legs[0]?.contract.strike === 480
              ? { errorCode: 'TooFarFromMarket' }
              : order.legs[0]?.contract.strike === 470
                ? { errorCode: 'NotTradableAtPresent', httpStatus: 400 }
                : 'Ok',
      },
    });
    const run = (short: number) =>
      h.client.precheckSpread({
        spread: spySpread(short, short - 5),
        quantity: 1,
        limitPrice: 1,
        side: 'open',
        externalReference: REF,
      });
    const margin = await run(495);
    expect(margin).toMatchObject({
      status: 'precheck_rejected',
      reason: 'WouldExceedMargin',
      message: 'Trade would exceed margin limits',
    });
    expect(margin.costs?.cost).toMatchObject({ Commission: 1.3 });
    expect(await run(480)).toMatchObject({ status: 'precheck_rejected', reason: 'TooFarFromMarket' });
    expect(await run(470)).toMatchObject({
      status: 'precheck_rejected',
      reason: 'NotTradableAtPresent',
      message: '[POST] /trade/v2/orders/multileg/precheck: 400 Bad Request (NotTradableAtPresent)',
    });
    expect(await run(460)).toMatchObject({ status: 'precheck_ok' });
  });

  it('turns transport failures into transport reason codes', async () => {
    h = await setup({
      server: {
        faults: [
          {
            method: 'POST',
            path: '/trade/v2/orders/multileg/precheck',
            fault: { type: 'status', status: 500 },
            times: 3,
          },
        ],
      },
    });
    const request = {
      spread: spySpread(),
      quantity: 1,
      limitPrice: 1,
      side: 'open' as const,
      externalReference: REF,
    };
    expect(await h.client.precheckSpread(request)).toMatchObject({
      status: 'precheck_rejected',
      reason: 'http_500',
      message: '[POST] /trade/v2/orders/multileg/precheck: 500 Internal Server Error',
    });
    // Two retries with doubling backoff, then the verdict.
    expect(h.server.requests.filter((r) => r.path.endsWith('/precheck')).length).toBe(3);
    expect(h.clock.sleeps).toEqual([250, 500]);
    expect(await h.client.precheckSpread(request)).toMatchObject({ status: 'precheck_ok' });

    await rm(h.tokenPath);
    expect(await h.client.precheckSpread(request)).toMatchObject({
      status: 'precheck_rejected',
      reason: 'token_missing',
    });
    await writeTokenFile(h.tokenPath, { accessToken: TOKEN_A, expiresAt: Date.now() - 1000 });
    expect(await h.client.precheckSpread(request)).toMatchObject({
      status: 'precheck_rejected',
      reason: 'token_expired',
    });
    await writeFile(h.tokenPath, '{"access_token": "tok-A', { mode: 0o600 });
    expect(await h.client.precheckSpread(request)).toMatchObject({
      status: 'precheck_rejected',
      reason: 'token_incomplete',
    });
  });

  it('gives up on a request that does not answer in time', async () => {
    h = await setup({
      server: { faults: [{ path: '/trade/v2/orders/multileg/precheck', fault: { type: 'timeout' } }] },
      client: { limits: { requestTimeoutMs: 150, maxTransientRetries: 0 } },
    });
    expect(
      await h.client.precheckSpread({
        spread: spySpread(),
        quantity: 1,
        limitPrice: 1,
        side: 'open',
        externalReference: REF,
      }),
    ).toMatchObject({
      status: 'precheck_rejected',
      reason: 'timeout',
      message: '[POST] /trade/v2/orders/multileg/precheck: no response within 150 ms',
    });
  });

  it('throws on bad input instead of asking the broker', async () => {
    h = await setup();
    const error = await caught(() =>
      h.client.precheckSpread({
        spread: spySpread(),
        quantity: -1,
        limitPrice: 1,
        side: 'open',
        externalReference: REF,
      }),
    );
    expect(isSaxoError(error) && error.kind).toBe('invalid_input');
    expect(h.server.requests).toEqual([]);
  });
});

describe('transport', () => {
  it('re-reads the token once on a 401 and retries once', async () => {
    let current = TOKEN_A;
    const invalidations: number[] = [];
    const tokens: TokenSource = {
      getAccessToken: async () => current,
      invalidate: () => {
        invalidations.push(1);
        current = TOKEN_B;
      },
      status: () => ({ path: 'mem', expiresAtMs: null, lastReadAtMs: null, watching: false }),
      close: () => {},
    };
    h = await setup({ tokens, server: { tokens: { valid: [TOKEN_B] } } });
    expect((await h.client.getAccount()).clientKey).toBe('fake-client-key==');
    expect(invalidations).toHaveLength(1);
    expect(h.server.requests.map((r) => r.status)).toEqual([401, 200]);
  });

  it('fails with unauthorized after the single retry', async () => {
    h = await setup({ server: { tokens: { valid: [TOKEN_B] } } });
    const error = (await caught(() => h.client.getAccount())) as SaxoError;
    expect(error).toMatchObject({ _tag: 'SaxoError', kind: 'unauthorized', status: 401, retry: 'retryable' });
    expect(error.message).toBe('[GET] /port/v1/clients/me: 401 Unauthorized');
    expect(h.server.requests.map((r) => r.status)).toEqual([401, 401]);
  });

  it('picks up a token rotated in the file mid-run without a restart', async () => {
    h = await setup();
    const request = {
      spread: spySpread(),
      quantity: 1,
      limitPrice: 1,
      side: 'open' as const,
      externalReference: REF,
    };
    expect((await h.client.precheckSpread(request)).status).toBe('precheck_ok');
    h.server.setTokens({ valid: [TOKEN_B] });
    await writeTokenFile(h.tokenPath, { accessToken: TOKEN_B, expiresAt: Date.now() + HOUR_MS });
    expect((await h.client.precheckSpread(request)).status).toBe('precheck_ok');
    expect(h.server.requests.filter((r) => r.status === 401)).toEqual([]);
    expect(h.logger.messages('info')).toContain('token file rotated');
  });

  it('backs off on 429 for as long as the exhausted rate-limit dimension says', async () => {
    h = await setup({
      server: {
        faults: [
          {
            path: '/port/v1/clients/me',
            fault: {
              type: 'status',
              status: 429,
              headers: {
                'X-RateLimit-Session-Limit': '120',
                'X-RateLimit-Session-Remaining': '0',
                'X-RateLimit-Session-Reset': '7',
                'X-RateLimit-AppDay-Remaining': '9999',
                'X-RateLimit-AppDay-Reset': '82332',
              },
            },
          },
          { path: '/port/v1/clients/me', fault: { type: 'status', status: 429 } },
        ],
      },
    });
    await h.client.getAccount();
    // 7 s from the exhausted Session dimension (not the AppDay reset), then 2 s exponential with no headers.
    expect(h.clock.sleeps).toEqual([7000, 2000]);
    expect(h.server.requests.map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('fails fast as rate_limited when the reset is beyond the longest wait', async () => {
    h = await setup({
      server: {
        faults: [
          {
            path: '/port/v1/clients/me',
            fault: {
              type: 'status',
              status: 429,
              headers: { 'X-RateLimit-AppDay-Remaining': '0', 'X-RateLimit-AppDay-Reset': '82332' },
            },
          },
        ],
      },
    });
    const error = (await caught(() => h.client.getAccount())) as SaxoError;
    expect(error.kind).toBe('rate_limited');
    expect(error.message).toBe('[GET] /port/v1/clients/me: 429 Too Many Requests');
    expect(h.clock.sleeps).toEqual([]);
  });

  it('reports a drifted payload as bad_response naming the field', async () => {
    h = await setup({
      server: {
        faults: [
          { path: '/port/v1/clients/me', fault: { type: 'status', status: 200, body: { ClientId: 1 } } },
        ],
      },
    });
    const error = (await caught(() => h.client.getAccount())) as SaxoError;
    expect(error.kind).toBe('bad_response');
    expect(error.message).toBe(
      '[GET] /port/v1/clients/me: unexpected response shape at ClientKey: Invalid input: expected string, received undefined',
    );
  });
});
