import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSaxoClient, createTokenSource } from '@aegis/broker-saxo';
import {
  type FakeSaxoServer,
  fakeUic,
  startFakeSaxoServer,
  writeTokenFile,
} from '@aegis/broker-saxo/testing';
import { type BrokerRequest, type EntryDecision, initialState } from '@aegis/strategy-core';
import { makeRunConfig, makeScenario } from '@aegis/strategy-core/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type BrokerPort, createLiveBroker, INTENT_IN_FLIGHT } from '../broker.js';
import { READ_BACK_SETTLE_MS } from './adopt.js';
import { type FileIntentJournal, openIntentJournal } from './journal.js';

const run = makeRunConfig([
  makeScenario({ universe: [{ underlying: 'SPY', width: 5, tick: 0.01, dividend_yield: 0 }] }, 1),
]);
const NOW = Date.parse('2026-04-10T15:00:00Z');
const servers: FakeSaxoServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const entry = (short: number, seq: number, quantity = 2): BrokerRequest => {
  const decision: EntryDecision = {
    underlying: 'SPY',
    optionType: 'put',
    expiry: '2026-05-15',
    shortStrike: short,
    longStrike: short - 5,
    shortTicker: `O:SPY260515P00${short}000`,
    longTicker: `O:SPY260515P00${short - 5}000`,
    scenario: 'LT_RC',
    quantity,
    credit: 1.5,
    shortDelta: -0.2,
    width: 5,
    status: 'proposed',
    reason: null,
    intentId: `LT_RC:2026-04-10:SPY:20260515:${short}:${short - 5}:open:${seq}`,
  };
  return { kind: 'entry', decision };
};

async function setup(fillMode: 'immediate' | 'working') {
  const dir = await mkdtemp(join(tmpdir(), 'scan-cycle-inflight-'));
  const accessToken = 'tok-SECRET-inflight';
  const server = await startFakeSaxoServer({ tokens: { valid: [accessToken] }, fillMode });
  servers.push(server);
  const tokenPath = join(dir, 'token.json');
  await writeTokenFile(tokenPath, { accessToken, expiresAt: Date.now() + 3_600_000 });
  const clock = { ms: Date.now() };
  const client = createSaxoClient({
    baseUrl: server.url,
    tokens: createTokenSource({ path: tokenPath, now: Date.now, watch: false }),
    now: () => clock.ms,
    limits: { requestsPerMinute: 1_000_000, ordersPerSecond: 1_000 },
    readBackSettleMs: READ_BACK_SETTLE_MS,
  });
  const journal: FileIntentJournal = await openIntentJournal(dir);
  const port: BrokerPort = createLiveBroker({
    client,
    journal,
    logger: pino({ level: 'silent' }),
    run,
    scenario: 'LT_RC',
  });
  return { server, journal, port, clock };
}

describe('live broker port: one intent in flight per scenario', () => {
  it('does not send a new intent while another is unresolved or filled but not yet booked', async () => {
    const { server, port } = await setup('working');
    const a = await port.decide(entry(500, 1));
    expect(a).toEqual({ verdict: { status: 'submitted' }, error: null });
    expect(server.orderPosts()).toBe(1);

    // A different intent of the same scenario: A is still working, so B is refused and not sent.
    const b = await port.decide(entry(505, 1));
    expect(b.verdict).toEqual({ status: 'rejected', reason: INTENT_IN_FLIGHT });
    expect(b.error).toMatchObject({ code: INTENT_IN_FLIGHT, scenario: 'LT_RC' });
    expect(b.error?.message).toContain('LT_RC:2026-04-10:SPY:20260515:500:495:open:1');
    expect(server.orderPosts()).toBe(1);

    // A fills: still refused until the fill is in the book (B would reuse A's sequence number).
    server.fillWorkingOrders();
    expect((await port.decide(entry(505, 1))).verdict).toEqual({
      status: 'rejected',
      reason: INTENT_IN_FLIGHT,
    });
    expect(server.orderPosts()).toBe(1);

    // The next scan's read-back adopts A into the book; then a new intent may go.
    const prepared = await port.prepareScan!(initialState(run), NOW);
    expect(prepared.adopted).toEqual(['LT_RC:2026-04-10:SPY:20260515:500:495:open:1']);
    expect(prepared.engine.scenarios.LT_RC!.open).toMatchObject([
      { positionSeq: 1, quantity: 2, shortStrike: 500, bookedAs: 'filled' },
    ]);
    expect(prepared.engine.scenarios.LT_RC!.nextPositionSeq).toBe(2);
    expect(prepared.errors).toMatchObject([{ code: 'adopted_fill', scenario: 'LT_RC' }]);
    const c = await port.decide(entry(505, 2));
    expect(c.verdict.status).toBe('submitted');
    expect(server.orderPosts()).toBe(2);
  });

  it('an order that fills at once is booked by the scan that sent it', async () => {
    const { server, port } = await setup('immediate');
    const a = await port.decide(entry(500, 1));
    expect(a.verdict.status).toBe('filled');
    expect(server.orderPosts()).toBe(1);
    // The scan booked it (its sequence number moved on): the next read-back adopts nothing twice.
    const booked = initialState(run);
    booked.scenarios.LT_RC!.nextPositionSeq = 2;
    const prepared = await port.prepareScan!(booked, NOW);
    expect(prepared.adopted).toEqual([]);
    expect(prepared.engine).toBe(booked);
  });
});

describe('startup read-back', () => {
  const recordIntent = async (journal: FileIntentJournal, id: string, short: number, atMs: number) =>
    journal.record({
      intentId: id,
      side: 'open',
      spread: entry(short, 1).decision,
      quantity: 2,
      limitPrice: 1.5,
      shortUic: fakeUic({ root: 'SPY', expiry: '2026-05-15', putCall: 'Put', strike: short }),
      longUic: fakeUic({ root: 'SPY', expiry: '2026-05-15', putCall: 'Put', strike: short - 5 }),
      recordedAtMs: atMs,
      attempt: 1,
    });

  it('waits out the settle window, then finds a journaled intent never sent absent: nothing booked', async () => {
    const { journal, port, clock } = await setup('immediate');
    const id = 'LT_RC:2026-04-10:SPY:20260515:500:495:open:1';
    await recordIntent(journal, id, 500, clock.ms - 5_000);
    const slept: number[] = [];
    const r = await port.prepareScan!(initialState(run), NOW, {
      settle: {
        wallNowMs: () => clock.ms,
        sleep: async (ms) => {
          slept.push(ms);
          clock.ms += ms;
        },
      },
    });
    expect(slept).toEqual([10_250]);
    expect(r.waitedMs).toBe(10_250);
    expect(r.adopted).toEqual([]);
    expect(r.inFlight).toEqual([]);
    expect(r.engine.scenarios.LT_RC!.open).toEqual([]);
    expect((await journal.get(id))?.state).toBe('absent');
  });

  it('adopts an in-flight intent the broker filled, with its journaled legs and sequence number', async () => {
    const { server, journal, port, clock } = await setup('immediate');
    const id = 'LT_RC:2026-04-10:SPY:20260515:500:495:open:3';
    await recordIntent(journal, id, 500, clock.ms - 60_000);
    const contract = (strike: number) => ({
      root: 'SPY',
      expiry: '2026-05-15',
      putCall: 'Put' as const,
      strike,
    });
    server.addPosition(contract(500), -2, { openPrice: 2.1, externalReference: id });
    server.addPosition(contract(495), 2, { openPrice: 0.6, externalReference: id });
    const state = initialState(run);
    state.scenarios.LT_RC!.nextPositionSeq = 3;
    const r = await port.prepareScan!(state, NOW, {
      settle: { wallNowMs: () => clock.ms, sleep: async () => expect.unreachable('no wait') },
    });
    expect(r.adopted).toEqual([id]);
    expect(r.waitedMs).toBe(0);
    expect(r.engine.scenarios.LT_RC!.open).toMatchObject([
      { intentId: id, positionSeq: 3, quantity: 2, shortStrike: 500, longStrike: 495 },
    ]);
    expect(r.engine.scenarios.LT_RC!.nextPositionSeq).toBe(4);
    expect((await journal.get(id))?.state).toBe('filled');
  });
});
