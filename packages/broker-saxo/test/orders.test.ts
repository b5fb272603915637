import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlaceRequest } from '../src/index.js';
import { createMemoryJournal, type MemoryJournal } from '../src/testing/index.js';
import { type Harness, setup, spxwSpread, spySpread, TOKEN_A } from './helpers.js';

const INTENT = 'LT_RC:2026-04-10:SPY:20260515:495:490:open:17';
const ORDER_PATH = '/trade/v2/orders/multileg';
let h: Harness;
let journal: MemoryJournal;
afterEach(async () => {
  await h?.close();
});

const open = (over: Partial<PlaceRequest> = {}): PlaceRequest => ({
  spread: spySpread(),
  quantity: 2,
  limitPrice: 1.52,
  side: 'open',
  intentId: INTENT,
  journal,
  ...over,
});

describe('placeSpread', () => {
  it('journals the intent before sending and submits a multileg limit order tagged with the intent id', async () => {
    h = await setup();
    journal = createMemoryJournal();
    const result = await h.client.placeSpread(open());
    expect(result).toEqual({ status: 'submitted', reason: null, orderId: '5000000001', sent: true });
    expect(journal.calls).toEqual([
      { op: 'record', intentId: INTENT, state: 'recorded' },
      { op: 'markSent', intentId: INTENT, state: 'sent' },
    ]);
    expect(journal.entries.get(INTENT)?.intent).toMatchObject({
      limitPrice: 1.52,
      quantity: 2,
      attempt: 1,
      side: 'open',
    });
    const [order] = h.server.orders;
    expect(order).toMatchObject({ externalReference: INTENT, orderPrice: 1.52 });
    expect(order?.legs.map((l) => [l.contract.strike, l.buySell, l.toOpenClose])).toEqual([
      [495, 'Sell', 'ToOpen'],
      [490, 'Buy', 'ToOpen'],
    ]);
    expect(h.server.requests.find((r) => r.path === ORDER_PATH)?.requestId).toBe(INTENT);
  });

  it('never sends a second order for an intent already sent: it reads back instead', async () => {
    h = await setup();
    journal = createMemoryJournal();
    await h.client.placeSpread(open());
    const again = await h.client.placeSpread(open());
    // The fake fills at once; the read-back finds the position by external reference.
    expect(again).toEqual({
      status: 'filled',
      reason: null,
      orderId: '5000000001',
      sent: false,
      price: 1.52,
    });
    expect(h.server.orderPosts()).toBe(1);
    expect(journal.entries.get(INTENT)?.state).toBe('filled');
    // Once filled the journal answers without asking the broker.
    const requestsBefore = h.server.requests.length;
    expect((await h.client.placeSpread(open())).status).toBe('filled');
    expect(h.server.requests.length).toBe(requestsBefore);
  });

  it('lost response: the order is stored, the answer never arrives; no second order is sent and the first is found', async () => {
    h = await setup({
      server: {
        fillMode: 'working',
        faults: [{ method: 'POST', path: ORDER_PATH, fault: { type: 'lose_response' } }],
      },
    });
    journal = createMemoryJournal();
    const first = await h.client.placeSpread(open());
    expect(first).toEqual({ status: 'unknown', reason: 'network', orderId: null, sent: true });
    expect(journal.entries.get(INTENT)?.state).toBe('unknown');
    expect(h.server.orderPosts()).toBe(1);

    // Next scan: the same decision comes back with the same intent id.
    const second = await h.client.placeSpread(open());
    expect(second).toEqual({ status: 'submitted', reason: null, orderId: '5000000001', sent: false });
    expect(h.server.orderPosts()).toBe(1);
    expect(h.server.orders).toHaveLength(1);
    expect(journal.entries.get(INTENT)).toMatchObject({ state: 'sent', orderId: '5000000001' });

    h.server.fillWorkingOrders();
    expect(await h.client.resolveIntent(INTENT, { journal })).toEqual({
      intentId: INTENT,
      status: 'filled',
      orderId: '5000000001',
      reason: null,
      price: 1.52,
    });
    expect(journal.entries.get(INTENT)?.state).toBe('filled');
  });

  it('finds a lost, filled order through order activities when positions lack the external reference', async () => {
    h = await setup({
      server: {
        positionsCarryExternalReference: false,
        faults: [{ method: 'POST', path: ORDER_PATH, fault: { type: 'lose_response' } }],
      },
    });
    journal = createMemoryJournal();
    expect((await h.client.placeSpread(open())).status).toBe('unknown');
    expect(await h.client.placeSpread(open())).toMatchObject({
      status: 'filled',
      orderId: '5000000001',
      sent: false,
    });
    expect(h.server.orderPosts()).toBe(1);
  });

  it('a timeout is never retried blindly; only a settled read-back that proves absence allows a resend', async () => {
    h = await setup({
      server: { faults: [{ method: 'POST', path: ORDER_PATH, fault: { type: 'timeout' } }] },
      client: { limits: { requestTimeoutMs: 150 } },
    });
    journal = createMemoryJournal();
    expect(await h.client.placeSpread(open())).toEqual({
      status: 'unknown',
      reason: 'timeout',
      orderId: null,
      sent: true,
    });
    expect(h.server.orderPosts()).toBe(0);

    // Too early to trust absence: still unknown, nothing sent.
    expect(await h.client.placeSpread(open())).toMatchObject({
      status: 'unknown',
      reason: 'awaiting_settle',
      sent: false,
    });
    expect(h.server.requests.filter((r) => r.path === ORDER_PATH)).toHaveLength(1);

    h.clock.advance(15_000);
    const resent = await h.client.placeSpread(open());
    expect(resent).toMatchObject({ status: 'submitted', sent: true });
    expect(h.server.orders).toHaveLength(1);
    expect(journal.entries.get(INTENT)?.intent.attempt).toBe(2);
    expect(journal.calls.map((c) => c.state)).toEqual(['recorded', 'unknown', 'absent', 'recorded', 'sent']);
    // A deliberate resend carries its own request id, so the broker's duplicate check does not refuse it.
    expect(h.server.requests.filter((r) => r.path === ORDER_PATH).map((r) => r.requestId)).toEqual([
      INTENT,
      `${INTENT}#2`,
    ]);
  });

  it('an untagged position on the intent contracts is not proof of absence', async () => {
    h = await setup({
      server: { faults: [{ method: 'POST', path: ORDER_PATH, fault: { type: 'status', status: 502 } }] },
    });
    journal = createMemoryJournal();
    expect(await h.client.placeSpread(open())).toMatchObject({ status: 'unknown', reason: 'http_502' });
    h.server.addPosition({ root: 'SPY', expiry: '2026-05-15', putCall: 'Put', strike: 495 }, -2);
    h.clock.advance(60_000);
    expect(await h.client.placeSpread(open())).toMatchObject({
      status: 'unknown',
      reason: 'unattributed_position',
      sent: false,
    });
    expect(h.server.requests.filter((r) => r.path === ORDER_PATH)).toHaveLength(1);
  });

  it('maps a broker rejection, journals it, and lets the same intent be sent again later', async () => {
    let verdict: 'Ok' | { errorCode: string } = { errorCode: 'TooFarFromMarket' };
    h = await setup({ server: { verdicts: () => verdict } });
    journal = createMemoryJournal();
    expect(await h.client.placeSpread(open())).toEqual({
      status: 'rejected',
      reason: 'TooFarFromMarket',
      orderId: null,
      sent: true,
    });
    expect(journal.entries.get(INTENT)).toMatchObject({ state: 'rejected', reason: 'TooFarFromMarket' });
    verdict = 'Ok';
    expect(await h.client.placeSpread(open())).toMatchObject({ status: 'submitted', sent: true });
    expect(h.server.orderPosts()).toBe(2);
    // Both requests were 1 s apart on the order limiter.
    expect(h.clock.sleeps.filter((ms) => ms > 900 && ms <= 1000)).toHaveLength(1);
  });

  it('treats 409, 5xx and a 202 as unknown outcomes, and 429 beyond the budget as a definite rejection', async () => {
    h = await setup({
      server: {
        faults: [
          {
            method: 'POST',
            path: ORDER_PATH,
            fault: { type: 'status', status: 409, body: { ErrorCode: 'DuplicateRequest' } },
          },
          { method: 'POST', path: ORDER_PATH, fault: { type: 'status', status: 503 } },
          {
            method: 'POST',
            path: ORDER_PATH,
            fault: { type: 'status', status: 202, body: { OrderId: '77' } },
          },
          {
            method: 'POST',
            path: ORDER_PATH,
            fault: {
              type: 'status',
              status: 429,
              headers: {
                'X-RateLimit-SessionOrders-Remaining': '0',
                'X-RateLimit-SessionOrders-Reset': '3600',
              },
            },
          },
        ],
      },
    });
    const place = (n: number) => {
      journal = createMemoryJournal();
      return h.client.placeSpread(open({ intentId: `${INTENT}-${n}` }));
    };
    expect(await place(1)).toMatchObject({ status: 'unknown', reason: 'DuplicateRequest' });
    expect(await place(2)).toMatchObject({ status: 'unknown', reason: 'http_503' });
    expect(await place(3)).toMatchObject({ status: 'unknown', reason: 'http_202', orderId: '77' });
    expect(await place(4)).toMatchObject({ status: 'rejected', reason: 'rate_limited' });
    // None of them was resent.
    expect(h.server.requests.filter((r) => r.path === ORDER_PATH)).toHaveLength(4);
  });

  it('does not send when the journal cannot record the intent or the token is missing', async () => {
    h = await setup();
    journal = createMemoryJournal();
    journal.failNextRecord();
    expect(await h.client.placeSpread(open())).toEqual({
      status: 'rejected',
      reason: 'journal_failed',
      orderId: null,
      sent: false,
    });
    expect(h.logger.messages('error')).toEqual(['intent journal write failed']);
    await rm(h.tokenPath);
    expect(await h.client.placeSpread(open())).toMatchObject({
      status: 'rejected',
      reason: 'token_missing',
      sent: false,
    });
    expect(h.server.orderPosts()).toBe(0);
  });
});

describe('reconciliation reads', () => {
  it('maps positions to domain spreads with their external reference, and lists leftovers', async () => {
    h = await setup();
    journal = createMemoryJournal();
    await h.client.placeSpread(open());
    await h.client.placeSpread(
      open({
        spread: spxwSpread(5100, 5050),
        quantity: 1,
        limitPrice: 3.1,
        intentId: 'LT_RC:2026-04-10:SPX:20260515:5100:5050:open:18',
      }),
    );
    h.server.addPosition({ root: 'QQQ', expiry: '2026-05-15', putCall: 'Put', strike: 420 }, -1);
    const positions = await h.client.readPositions();
    expect(positions.spreads).toEqual([
      expect.objectContaining({
        underlying: 'SPY',
        expiry: '2026-05-15',
        shortStrike: 495,
        longStrike: 490,
        shortTicker: 'O:SPY260515P00495000',
        longTicker: 'O:SPY260515P00490000',
        quantity: 2,
        externalReference: INTENT,
        openCredit: 1.52,
      }),
      expect.objectContaining({
        underlying: 'SPX',
        shortTicker: 'O:SPXW260515P05100000',
        longStrike: 5050,
        quantity: 1,
        externalReference: 'LT_RC:2026-04-10:SPX:20260515:5100:5050:open:18',
        openCredit: 3.1,
      }),
    ]);
    expect(positions.unpaired).toEqual([
      expect.objectContaining({
        root: 'QQQ',
        underlying: 'QQQ',
        strike: 420,
        amount: -1,
        externalReference: null,
      }),
    ]);

    // Closing removes the spread.
    await h.client.placeSpread(
      open({ side: 'close', limitPrice: 0.61, intentId: 'LT_RC:2026-04-11:SPY:20260515:495:490:close:17' }),
    );
    expect((await h.client.readPositions()).spreads.map((s) => s.underlying)).toEqual(['SPX']);
  });

  it('maps working multileg orders (open and close) to domain spreads', async () => {
    h = await setup({ server: { fillMode: 'working' } });
    journal = createMemoryJournal();
    await h.client.placeSpread(open());
    await h.client.placeSpread(open({ side: 'close', limitPrice: 0.61, intentId: 'c1' }));
    const orders = await h.client.readOpenOrders();
    expect(orders).toHaveLength(2);
    expect(orders[0]).toMatchObject({
      orderId: '5000000001',
      externalReference: INTENT,
      side: 'open',
      quantity: 2,
      limitPrice: 1.52,
      status: 'Working',
      spread: spySpread(),
    });
    expect(orders[1]).toMatchObject({
      externalReference: 'c1',
      side: 'close',
      limitPrice: 0.61,
      spread: spySpread(),
    });

    h.server.cancelOrder('5000000001');
    expect(await h.client.resolveIntent(INTENT, { journal })).toMatchObject({
      status: 'rejected',
      reason: 'order_cancelled',
    });
  });
});

describe('secrets', () => {
  it('no token reaches a log line or an error across 401s, token failures and order faults', async () => {
    h = await setup({
      server: {
        tokens: { valid: ['tok-C-only-valid-later'] },
        faults: [{ method: 'POST', path: ORDER_PATH, fault: { type: 'lose_response' } }],
      },
    });
    journal = createMemoryJournal();
    const errors: unknown[] = [];
    try {
      await h.client.getAccount();
    } catch (error) {
      errors.push(error);
    }
    h.server.setTokens({ valid: [TOKEN_A] });
    await h.client.precheckSpread({
      spread: spySpread(),
      quantity: 1,
      limitPrice: 1,
      side: 'open',
      externalReference: INTENT,
    });
    await h.client.placeSpread(open());
    await rm(h.tokenPath);
    const missing = await h.client.precheckSpread({
      spread: spySpread(),
      quantity: 1,
      limitPrice: 1,
      side: 'open',
      externalReference: INTENT,
    });
    expect(missing.reason).toBe('token_missing');
    const everything = [
      h.logger.text(),
      ...errors.map((e) => `${String(e)} ${JSON.stringify(e)} ${String((e as Error).cause ?? '')}`),
      JSON.stringify(missing),
      JSON.stringify([...journal.entries.values()]),
    ].join('\n');
    expect(h.logger.lines.length).toBeGreaterThan(5);
    expect(everything).not.toContain(TOKEN_A);
    expect(everything).not.toContain('tok-C-only-valid-later');
    expect(everything.toLowerCase()).not.toContain('bearer');
  });
});
