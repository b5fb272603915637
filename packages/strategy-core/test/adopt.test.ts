import { describe, expect, it } from 'vitest';
import {
  adoptBrokerFill,
  type BrokerFill,
  initialState,
  intentId,
  parseIntentId,
  runScan,
} from '../src/index.js';
import { makeRunConfig, makeScenario } from '../src/testing/index.js';
import { NOW_MS, put, q, snapshot, spyChain } from './helpers.js';

const SPY = { underlying: 'SPY', width: 5, tick: 0.01, dividend_yield: 0.013 };
const live = makeScenario({ universe: [SPY] }, 1);
const run = makeRunConfig([live]);
const LATER = Date.parse('2026-04-10T15:05:00Z');
const entrySnapshot = () => snapshot({ SPY: { price: 512.34, puts: spyChain() } });
const marks = (shortMid: number, longMid: number) =>
  snapshot({
    SPY: {
      price: 512.34,
      puts: [
        put({ strike: 490, ...q(longMid), delta: -0.5 }),
        put({ strike: 495, ...q(shortMid), delta: -0.5 }),
      ],
    },
  });

const LEGS = {
  underlying: 'SPY',
  optionType: 'put' as const,
  expiry: '2026-05-15',
  shortStrike: 495,
  longStrike: 490,
  shortTicker: 'O:SPY260515P00495000',
  longTicker: 'O:SPY260515P00490000',
};
const OPEN_1 = 'LT_RC:2026-04-10:SPY:20260515:495:490:open:1';
const openFill = (over: Partial<BrokerFill> = {}): BrokerFill => ({
  intentId: OPEN_1,
  side: 'open',
  legs: LEGS,
  quantity: 2,
  price: 1.55,
  ts: '2026-04-10T15:01:00.000Z',
  tradeDate: '2026-04-10',
  ...over,
});

describe('parseIntentId', () => {
  it('inverts intentId, also for scenario ids holding a colon', () => {
    const id = intentId('A:B', '2026-04-10', LEGS, 'close', 17);
    expect(parseIntentId(id)).toEqual({
      scenario: 'A:B',
      tradeDate: '2026-04-10',
      underlying: 'SPY',
      expiry: '2026-05-15',
      shortStrike: 495,
      longStrike: 490,
      side: 'close',
      positionSeq: 17,
    });
    expect(parseIntentId('LT_RC:2026-04-10:SPY:20260515:495:490:open:0')).toBeNull();
    expect(parseIntentId('LT_RC:2026-04-10:SPY:20260515:495:490:sideways:1')).toBeNull();
    expect(parseIntentId('not-an-intent')).toBeNull();
  });
});

describe('adoptBrokerFill', () => {
  it('books a confirmed opening fill at its journaled price, quantity and sequence number', () => {
    const state = initialState(run);
    const r = adoptBrokerFill(state, run, openFill());
    expect(r.adopted).toBe(true);
    const s = r.state.scenarios.LT_RC!;
    expect(s.open).toHaveLength(1);
    expect(s.open[0]).toMatchObject({
      intentId: OPEN_1,
      positionSeq: 1,
      quantity: 2,
      entryCredit: 1.55,
      width: 5,
      bookedAs: 'filled',
      shortStrike: 495,
    });
    expect(s.nextPositionSeq).toBe(2);
    expect(s.tradeCount).toBe(1);
    // Pure: the input is untouched.
    expect(state.scenarios.LT_RC!.open).toEqual([]);
    expect(state.scenarios.LT_RC!.nextPositionSeq).toBe(1);
  });

  it('never books twice: an intent already held, or a sequence number already used, is refused', () => {
    const once = adoptBrokerFill(initialState(run), run, openFill());
    const twice = adoptBrokerFill(once.state, run, openFill());
    expect(twice).toMatchObject({ adopted: false, why: 'already_booked' });
    expect(twice.state).toBe(once.state);
    const other = adoptBrokerFill(once.state, run, {
      ...openFill(),
      intentId: 'LT_RC:2026-04-10:SPY:20260515:500:495:open:1',
      legs: { ...LEGS, shortStrike: 500, longStrike: 495 },
    });
    expect(other).toMatchObject({ adopted: false, why: 'sequence_consumed' });
  });

  it('refuses fills that do not match their intent id or the configuration', () => {
    const state = initialState(run);
    expect(adoptBrokerFill(state, run, openFill({ side: 'close' }))).toMatchObject({ why: 'side_mismatch' });
    expect(adoptBrokerFill(state, run, openFill({ legs: { ...LEGS, shortStrike: 500 } }))).toMatchObject({
      why: 'bad_fill',
    });
    expect(
      adoptBrokerFill(state, run, openFill({ intentId: 'NOPE:2026-04-10:SPY:20260515:495:490:open:1' })),
    ).toMatchObject({ why: 'unknown_scenario', detail: expect.stringContaining('NOPE') });
    expect(adoptBrokerFill(state, run, openFill({ quantity: 0 }))).toMatchObject({ why: 'bad_fill' });
  });

  it('a confirmed closing fill closes the position with that sequence number at the fill debit', () => {
    const opened = adoptBrokerFill(initialState(run), run, openFill()).state;
    const close: BrokerFill = {
      ...openFill(),
      intentId: 'LT_RC:2026-04-10:SPY:20260515:495:490:close:1',
      side: 'close',
      price: 0.5,
    };
    expect(adoptBrokerFill(opened, run, close)).toMatchObject({
      adopted: false,
      why: 'close_reason_unknown',
    });
    const r = adoptBrokerFill(opened, run, { ...close, closeReason: 'profit_target' });
    expect(r.adopted).toBe(true);
    const s = r.state.scenarios.LT_RC!;
    expect(s.open).toEqual([]);
    expect(s.recentClosed[0]).toMatchObject({
      closeIntentId: close.intentId,
      exitDebit: 0.5,
      closeReason: 'profit_target',
    });
    expect(s.closedCount).toBe(1);
    expect(adoptBrokerFill(r.state, run, { ...close, closeReason: 'profit_target' })).toMatchObject({
      why: 'position_not_open',
    });
  });
});

describe('live: submitted exits', () => {
  it('a submitted close keeps the position open; the next scan proposes the same close intent', () => {
    const opened = runScan(entrySnapshot(), initialState(run), run, NOW_MS, {
      broker: () => ({ status: 'filled' }),
      mode: 'live',
    }).nextState;
    expect(opened.scenarios.LT_RC!.open).toHaveLength(1);
    const sent = runScan(marks(0.8, 0.02), opened, run, LATER, {
      broker: (r) => (r.kind === 'exit' ? { status: 'submitted' } : { status: 'rejected', reason: 'x' }),
      mode: 'live',
    });
    const exit = sent.outcome.decisions.exits[0]!;
    expect(exit).toMatchObject({ status: 'submitted', closeReason: 'profit_target' });
    expect(sent.nextState.scenarios.LT_RC!.open).toHaveLength(1);
    expect(sent.nextState.scenarios.LT_RC!.closedCount).toBe(0);
    const requests: string[] = [];
    const again = runScan(marks(0.8, 0.02), sent.nextState, run, Date.parse('2026-04-10T15:10:00Z'), {
      broker: (r) => {
        requests.push(r.decision.intentId);
        return { status: 'filled' };
      },
      mode: 'live',
    });
    expect(requests[0]).toBe(exit.intentId);
    expect(again.nextState.scenarios.LT_RC!.open).toEqual([]);
  });
});
