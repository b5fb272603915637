import { describe, expect, it } from 'vitest';
import {
  alignState,
  type BrokerRequest,
  type BrokerVerdict,
  type EngineState,
  initialState,
  isEngineError,
  planSnapshot,
  resetBreaker,
  runScan,
  scanSteps,
  summarizeScenarios,
} from '../src/index.js';
import { makeRunConfig, makeScenario } from '../src/testing/index.js';
import { NOW_MS, put, q, snapshot, spyChain } from './helpers.js';

const SPY = { underlying: 'SPY', width: 5, tick: 0.01, dividend_yield: 0.013 };
const live = makeScenario({ universe: [SPY] }, 1);
const paper = makeScenario({ id: 'WFT_A', role: 'paper', universe: [SPY] }, 2);
const run = makeRunConfig([live, paper]);
const at = (iso: string) => Date.parse(iso);
const LATER = at('2026-04-10T15:05:00Z');
const NEXT_DAY = at('2026-04-13T15:00:00Z');

/** A chain that marks the 495/490 spread at shortMid − longMid and offers no new entry (delta out of range). */
const marks = (shortMid: number, longMid: number, price = 512.34) =>
  snapshot({
    SPY: {
      price,
      puts: [
        put({ strike: 490, ...q(longMid), delta: -0.5 }),
        put({ strike: 495, ...q(shortMid), delta: -0.5 }),
      ],
    },
  });

const entrySnapshot = () => snapshot({ SPY: { price: 512.34, puts: spyChain() } });

function expectEngineError(fn: () => unknown, kind: string, message: RegExp) {
  try {
    fn();
  } catch (e) {
    expect(isEngineError(e)).toBe(true);
    expect((e as { kind: string }).kind).toBe(kind);
    expect((e as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected an EngineError');
}

describe('runScan: entries and statuses', () => {
  it('fills paper entries and records everything a parity record needs', () => {
    const { outcome, nextState } = runScan(entrySnapshot(), initialState(run), run, NOW_MS);
    expect(outcome).toMatchObject({
      scanCount: 1,
      ts: '2026-04-10T15:00:00.000Z',
      tradeDate: '2026-04-10',
      vix: 17,
    });
    expect(outcome.underlyings).toEqual({ SPY: { price: 512.34 } });
    expect(outcome.decisions.entries).toEqual([
      expect.objectContaining({
        scenario: 'LT_RC',
        status: 'proposed',
        reason: null,
        intentId: 'LT_RC:2026-04-10:SPY:20260515:495:490:open:1',
      }),
      {
        underlying: 'SPY',
        optionType: 'put',
        expiry: '2026-05-15',
        shortStrike: 495,
        longStrike: 490,
        shortTicker: 'O:SPY260515P00495000',
        longTicker: 'O:SPY260515P00490000',
        scenario: 'WFT_A',
        quantity: 5,
        credit: 1.6,
        shortDelta: -0.25,
        width: 5,
        status: 'paper_filled',
        reason: null,
        intentId: 'WFT_A:2026-04-10:SPY:20260515:495:490:open:1',
      },
    ]);
    expect(nextState.scanCount).toBe(1);
    expect(nextState.lastScanAt).toBe('2026-04-10T15:00:00.000Z');
    // Without a broker the live-capable scenario's proposal is filled too.
    expect(nextState.scenarios.LT_RC!.open).toHaveLength(1);
    expect(nextState.scenarios.WFT_A!.open[0]).toMatchObject({
      entryCredit: 1.6,
      quantity: 5,
      positionSeq: 1,
      bookedAs: 'paper_filled',
    });
    expect(outcome.summaries[1]).toEqual({
      scenario: 'WFT_A',
      equity: 99_993.5, // marked at its mid credit 1.60: only the entry fees 0.65 × 2 × 5
      realizedPnl: 0,
      unrealizedPnl: -6.5,
      openPositions: 1,
      tradeCount: 1,
      closedCount: 0,
      breaker: 'ok',
    });
  });

  it('gates see entries filled earlier in the same scan', () => {
    const limited = makeScenario({
      id: 'WFT_B',
      role: 'paper',
      universe: [SPY, { underlying: 'QQQ', width: 5, tick: 0.01, dividend_yield: 0.006 }],
      limits: { max_per_expiry: 1 },
    });
    const qqq = spyChain().map((p) => ({
      ...p,
      underlying: 'QQQ',
      root: 'QQQ',
      ticker: p.ticker.replace('SPY', 'QQQ'),
    }));
    const snap = snapshot({ SPY: { price: 512, puts: spyChain() }, QQQ: { price: 505, puts: qqq } });
    const r = makeRunConfig([limited]);
    const { outcome } = runScan(snap, initialState(r), r, NOW_MS);
    expect(outcome.decisions.entries.map((e) => [e.underlying, e.status, e.reason])).toEqual([
      ['SPY', 'paper_filled', null],
      ['QQQ', 'blocked', 'max_per_expiry'],
    ]);
    // The same candidate on the next scan is a duplicate of the open position.
    const again = runScan(snap, runScan(snap, initialState(r), r, NOW_MS).nextState, r, LATER);
    expect(again.outcome.decisions.entries[0]).toMatchObject({
      status: 'blocked',
      reason: 'duplicate',
      intentId: 'WFT_B:2026-04-10:SPY:20260515:495:490:open:2',
    });
  });

  it('dry-run precheck: ok fills the shadow book, rejected does not and keeps its intent id', () => {
    const requests: BrokerRequest[] = [];
    const reject = (r: BrokerRequest): BrokerVerdict => {
      requests.push(r);
      return { status: 'precheck_rejected', reason: 'InsufficientMargin' };
    };
    const first = runScan(entrySnapshot(), initialState(run), run, NOW_MS, { broker: reject });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      kind: 'entry',
      decision: { scenario: 'LT_RC', status: 'proposed', quantity: 5 },
    });
    expect(first.outcome.decisions.entries[0]).toMatchObject({
      status: 'precheck_rejected',
      reason: 'InsufficientMargin',
    });
    expect(first.nextState.scenarios.LT_RC!.open).toHaveLength(0);
    const second = runScan(entrySnapshot(), first.nextState, run, LATER, {
      broker: () => ({ status: 'precheck_ok' }),
    });
    expect(second.outcome.decisions.entries[0]).toMatchObject({
      status: 'precheck_ok',
      reason: null,
      intentId: first.outcome.decisions.entries[0]!.intentId,
    });
    expect(second.nextState.scenarios.LT_RC!.open[0]).toMatchObject({
      bookedAs: 'precheck_ok',
      positionSeq: 1,
    });
  });

  it('live: filled (at the broker price) is booked; submitted and rejected are recorded, not booked', () => {
    const go = (verdict: BrokerVerdict) =>
      runScan(entrySnapshot(), initialState(run), run, NOW_MS, { broker: () => verdict, mode: 'live' });
    const filled = go({ status: 'filled', price: 1.62 });
    expect(filled.outcome.decisions.entries[0]).toMatchObject({ status: 'filled', credit: 1.62 });
    expect(filled.nextState.scenarios.LT_RC!.open[0]).toMatchObject({
      entryCredit: 1.62,
      bookedAs: 'filled',
    });
    // Sent but not confirmed: the broker may never have received it, so the book must not hold it, and
    // the sequence number stays put so the next scan proposes the same intent id (resolved by read-back).
    const submitted = go({ status: 'submitted' });
    expect(submitted.outcome.decisions.entries[0]).toMatchObject({ status: 'submitted', reason: null });
    expect(submitted.nextState.scenarios.LT_RC!.open).toEqual([]);
    expect(submitted.nextState.scenarios.LT_RC!.nextPositionSeq).toBe(1);
    expect(submitted.nextState.scenarios.LT_RC!.tradeCount).toBe(0);
    const again = runScan(entrySnapshot(), submitted.nextState, run, LATER, {
      broker: () => ({ status: 'filled' }),
      mode: 'live',
    });
    expect(again.outcome.decisions.entries[0]!.intentId).toBe(
      submitted.outcome.decisions.entries[0]!.intentId,
    );
    expect(again.nextState.scenarios.LT_RC!.open).toHaveLength(1);
    const rejected = go({ status: 'rejected', reason: 'MarketClosed' });
    expect(rejected.outcome.decisions.entries[0]).toMatchObject({
      status: 'rejected',
      reason: 'MarketClosed',
    });
    expect(rejected.nextState.scenarios.LT_RC!.open).toHaveLength(0);
  });

  it('scanSteps yields each live-capable request and takes the verdict through next()', () => {
    const steps = scanSteps(entrySnapshot(), initialState(run), run, NOW_MS, { brokerAttached: true });
    const first = steps.next();
    expect(first.done).toBe(false);
    expect(first.value).toMatchObject({
      kind: 'entry',
      decision: { intentId: 'LT_RC:2026-04-10:SPY:20260515:495:490:open:1' },
    });
    const end = steps.next({ status: 'precheck_ok' });
    expect(end.done).toBe(true);
    const bad = scanSteps(entrySnapshot(), initialState(run), run, NOW_MS, { brokerAttached: true });
    bad.next();
    expectEngineError(() => bad.next(), 'broker_protocol', /no broker verdict for LT_RC:2026-04-10/);
  });

  it('re-entering the same spread after a close gets a new intent id', () => {
    const s1 = runScan(entrySnapshot(), initialState(run), run, NOW_MS).nextState;
    const s2 = runScan(marks(0.8, 0.02), s1, run, LATER); // D = 0.78 <= 0.80: profit target
    expect(s2.outcome.decisions.exits.map((e) => [e.scenario, e.closeReason, e.debit, e.intentId])).toEqual([
      ['LT_RC', 'profit_target', 0.78, 'LT_RC:2026-04-10:SPY:20260515:495:490:close:1'],
      ['WFT_A', 'profit_target', 0.78, 'WFT_A:2026-04-10:SPY:20260515:495:490:close:1'],
    ]);
    const s3 = runScan(entrySnapshot(), s2.nextState, run, at('2026-04-10T15:10:00Z'));
    expect(s3.outcome.decisions.entries[1]).toMatchObject({
      status: 'paper_filled',
      intentId: 'WFT_A:2026-04-10:SPY:20260515:495:490:open:2',
    });
  });
});

describe('runScan: expiration settlement', () => {
  it('settles a missed expiration at intrinsic as bookkeeping, never as a broker request', () => {
    const s1 = runScan(entrySnapshot(), initialState(run), run, NOW_MS).nextState;
    // 2026-05-18: the 2026-05-15 positions expired unmanaged; SPY at 493.20 → intrinsic 1.80.
    const after = at('2026-05-18T15:00:00Z');
    const snap = snapshot({ SPY: { price: 493.2, puts: [] } }, { asOfMs: after });
    const requests: BrokerRequest[] = [];
    const broker = (r: BrokerRequest): BrokerVerdict => {
      requests.push(r);
      return { status: 'precheck_ok' };
    };
    const dry = runScan(snap, s1, run, after, { broker });
    expect(requests).toEqual([]);
    expect(dry.outcome.decisions.exits.map((e) => [e.scenario, e.closeReason, e.debit, e.status])).toEqual([
      ['LT_RC', 'expired', 1.8, 'paper_filled'],
      ['WFT_A', 'expired', 1.8, 'paper_filled'],
    ]);
    // realized = (1.60 − 1.80) × 500 − 6.50 − 6.50
    expect(dry.nextState.scenarios.WFT_A!.realizedPnl).toBeCloseTo(-113, 9);
    expect(runScan(snap, s1, run, after, { broker, mode: 'live' }).outcome.decisions.exits[0]!.status).toBe(
      'filled',
    );
    expect(runScan(snap, s1, run, after).outcome.decisions.exits[0]!.status).toBe('proposed');
    const noPrice = runScan(snapshot({}, { asOfMs: after }), s1, run, after);
    expect(noPrice.outcome.decisions.exits).toEqual([]);
    expect(noPrice.outcome.errors).toContainEqual(
      expect.objectContaining({ code: 'settlement_price_unavailable', scenario: 'WFT_A' }),
    );
  });
});

describe('runScan: session, data gaps and state', () => {
  it('refuses to scan outside the regular session', () => {
    const state = initialState(run);
    expectEngineError(
      () => runScan(entrySnapshot(), state, run, at('2026-04-11T15:00:00Z')),
      'session_closed',
      /outside the regular session/,
    );
    expectEngineError(
      () => runScan(entrySnapshot(), state, run, at('2026-04-10T13:29:59Z')),
      'session_closed',
      /2026-04-10T13:29:59.000Z/,
    );
    expectEngineError(
      () => runScan(entrySnapshot(), state, run, at('2026-04-03T15:00:00Z')),
      'session_closed',
      /Good|outside/,
    ); // Good Friday
    const closedByConfig = makeRunConfig([paper], {
      calendar: { extra_closures: ['2026-04-10'], extra_early_closes: [] },
    });
    expectEngineError(
      () => runScan(entrySnapshot(), initialState(closedByConfig), closedByConfig, NOW_MS),
      'session_closed',
      /outside/,
    );
    expectEngineError(
      () => runScan(entrySnapshot(), { ...state, version: 2 } as never, run, NOW_MS),
      'invalid_state',
      /version must be 1/,
    );
    const done = runScan(entrySnapshot(), state, run, LATER).nextState;
    expectEngineError(
      () => runScan(entrySnapshot(), done, run, NOW_MS),
      'clock_regression',
      /before the last scan/,
    );
  });

  it('missing VIX: no entries (gate vix), an error, exits still managed', () => {
    const s1 = runScan(entrySnapshot(), initialState(run), run, NOW_MS).nextState;
    const noVix = { ...marks(5.0, 0.2), vix: null };
    const candidate = [put({ strike: 489, ...q(0.4) }), put({ strike: 494, ...q(2.0), delta: -0.25 })];
    const { outcome } = runScan(
      { ...noVix, chains: { SPY: [...noVix.chains.SPY!, ...candidate] } },
      s1,
      run,
      LATER,
    );
    expect(outcome.decisions.entries.map((e) => [e.shortStrike, e.status, e.reason])).toEqual([
      [494, 'blocked', 'vix'],
      [494, 'blocked', 'vix'],
    ]);
    expect(outcome.vix).toBeNull();
    expect(outcome.errors).toContainEqual(expect.objectContaining({ code: 'vix_unavailable' }));
    expect(outcome.decisions.exits.map((e) => e.closeReason)).toEqual(['stop_loss', 'stop_loss']);
  });

  it('a failed underlying gets no entries and its positions keep their last marks', () => {
    const s1 = runScan(entrySnapshot(), initialState(run), run, NOW_MS).nextState;
    const failed = snapshot({});
    failed.errors.push({
      source: 'polygon',
      code: 'rate_limited',
      message: '[GET] /v3/snapshot/options/SPY: 429 Too Many Requests',
      underlying: 'SPY',
    });
    const { outcome, nextState } = runScan(failed, s1, run, LATER);
    expect(outcome.decisions).toEqual({ entries: [], exits: [] });
    expect(outcome.errors).toEqual([expect.objectContaining({ code: 'rate_limited', underlying: 'SPY' })]);
    expect(nextState.scenarios.WFT_A!.open[0]!.lastMark).toBe(s1.scenarios.WFT_A!.open[0]!.lastMark);
    expect(nextState.scenarios.WFT_A!.open[0]!.lastMarkAt).toBe('2026-04-10T15:00:00.000Z');
  });

  it('rounds at the record boundary: prices to the cent, VIX and underlyings to 2, delta to 4 decimals', () => {
    const snap = snapshot(
      {
        SPY: {
          price: 512.345,
          puts: spyChain().map((p) => (p.strike === 495 ? { ...p, vendorDelta: -0.251234 } : p)),
        },
      },
      { vix: 17.4249 },
    );
    const { outcome } = runScan(snap, initialState(run), run, NOW_MS);
    expect(outcome.vix).toBe(17.42);
    expect(outcome.underlyings.SPY!.price).toBe(512.35);
    expect(outcome.decisions.entries[0]!.shortDelta).toBe(-0.2512);
  });

  it('state survives a JSON round trip without changing a later scan', () => {
    const s1 = runScan(entrySnapshot(), initialState(run), run, NOW_MS).nextState;
    const revived = JSON.parse(JSON.stringify(s1)) as EngineState;
    const a = runScan(marks(4.0, 0.3), s1, run, LATER);
    const b = runScan(marks(4.0, 0.3), revived, run, LATER);
    expect(b).toEqual(a);
    expect(JSON.parse(JSON.stringify(a.nextState))).toEqual(a.nextState);
    // The input state is never mutated.
    expect(s1.scenarios.WFT_A!.open[0]!.lastMark).toBeCloseTo(1.6, 12);
  });

  it('alignState adds fresh books for new scenarios and keeps existing ones', () => {
    const s1 = runScan(
      entrySnapshot(),
      initialState(makeRunConfig([paper])),
      makeRunConfig([paper]),
      NOW_MS,
    ).nextState;
    const aligned = alignState(s1, run);
    expect(Object.keys(aligned.scenarios).sort()).toEqual(['LT_RC', 'WFT_A']);
    expect(aligned.scenarios.WFT_A).toBe(s1.scenarios.WFT_A);
    expect(aligned.scenarios.LT_RC).toMatchObject({ open: [], startingEquity: 100_000, nextPositionSeq: 1 });
  });

  it('plans one snapshot for all scenarios: DTE window union, vendor tickers, roots and open legs', () => {
    const shortDte = makeScenario(
      { id: 'WFT_C', role: 'paper', entry: { dte: { min: 21, max: 30, target: 25 } } },
      2,
    );
    const xw = makeScenario(
      {
        id: 'PT_XW',
        role: 'paper',
        universe: [
          SPY,
          {
            underlying: 'SPX',
            vendor_ticker: 'I:SPX',
            option_roots: ['SPXW'],
            width: 25,
            tick: 0.05,
            dividend_yield: 0.013,
          },
        ],
        entry: { dte: { min: 30, max: 60, target: 45 } },
      },
      3,
    );
    const r = makeRunConfig([live, shortDte, xw]);
    const state = runScan(entrySnapshot(), initialState(r), r, NOW_MS).nextState;
    expect(planSnapshot(state, r, LATER)).toEqual({
      asOfMs: LATER,
      tradeDate: '2026-04-10',
      vixTicker: 'I:VIX',
      underlyings: [
        {
          symbol: 'SPY',
          vendorTicker: 'SPY',
          optionRoots: ['SPY'],
          expiryFrom: '2026-05-01',
          expiryTo: '2026-06-09',
        },
        {
          symbol: 'QQQ',
          vendorTicker: 'QQQ',
          optionRoots: ['QQQ'],
          expiryFrom: '2026-05-01',
          expiryTo: '2026-05-10',
        },
        {
          symbol: 'IWM',
          vendorTicker: 'IWM',
          optionRoots: ['IWM'],
          expiryFrom: '2026-05-01',
          expiryTo: '2026-05-10',
        },
        {
          symbol: 'SPX',
          vendorTicker: 'I:SPX',
          optionRoots: ['SPXW'],
          expiryFrom: '2026-05-10',
          expiryTo: '2026-06-09',
        },
      ],
      legTickers: ['O:SPY260515P00490000', 'O:SPY260515P00495000'],
    });
  });
});

describe('circuit breaker through runScan', () => {
  const tight = makeScenario({
    id: 'WFT_T',
    role: 'paper',
    universe: [SPY],
    circuit_breaker: {
      daily_loss_fraction: { warn: 0.005, reduce_only: 0.01, halt: 0.03 },
      drawdown_fraction: { warn: 0.5, reduce_only: 0.6, halt: 0.7 },
      consecutive_stop_losses: 2,
    },
    exit: { stop_loss_multiple: null, profit_target_fraction: null },
  });
  const r = makeRunConfig([tight]);
  const opened = () => runScan(entrySnapshot(), initialState(r), r, NOW_MS).nextState;

  it('daily loss escalates, is latched within the trade date and re-evaluated at the next session', () => {
    // Baseline: 100,000 at the day's first scan (before its entry). Mark 3.62: unrealized
    // (1.60 − 3.62) × 500 − 6.50 = −1016.50 → daily loss 1.02% >= 1% → reduce_only.
    const hit = runScan(marks(4.0, 0.38), opened(), r, LATER);
    expect(hit.outcome.breaker.scenarios.WFT_T).toBe('reduce_only');
    expect(hit.outcome.breakerChanges).toEqual([
      { scenario: 'WFT_T', from: 'ok', to: 'reduce_only', cause: 'daily loss 1.02% of starting equity' },
    ]);
    // Recovered marks the same day: still reduce_only, and entries are blocked by the breaker.
    const recovered = runScan(entrySnapshot(), hit.nextState, r, at('2026-04-10T15:10:00Z'));
    expect(recovered.outcome.breaker.scenarios.WFT_T).toBe('reduce_only');
    expect(recovered.outcome.breakerChanges).toEqual([]);
    // Next session: re-evaluated from scratch.
    const monday = runScan(marks(2.02, 0.42), recovered.nextState, r, NEXT_DAY);
    expect(monday.outcome.breaker.scenarios.WFT_T).toBe('ok');
    expect(monday.outcome.breakerChanges).toEqual([
      { scenario: 'WFT_T', from: 'reduce_only', to: 'ok', cause: 'new session: re-evaluated' },
    ]);
  });

  it('halted stays across days until resetBreaker, and stops exit orders', () => {
    // Halt at 1.5%: mark 4.70 → unrealized (1.60 − 4.70) × 500 − 6.50 = −1556.50 → 1.56%.
    const worse = makeScenario({
      ...tight,
      circuit_breaker: {
        ...tight.circuit_breaker,
        daily_loss_fraction: { warn: 0.005, reduce_only: 0.01, halt: 0.015 },
      },
    });
    const rr = makeRunConfig([{ ...worse, priority: 1, origin: 'x' }]);
    const s1 = runScan(entrySnapshot(), initialState(rr), rr, NOW_MS).nextState;
    const halted = runScan(marks(4.8, 0.1), s1, rr, LATER);
    expect(halted.outcome.breaker.scenarios.WFT_T).toBe('halted');
    const monday = runScan(marks(2.02, 0.42), halted.nextState, rr, NEXT_DAY);
    expect(monday.outcome.breaker.scenarios.WFT_T).toBe('halted');
    const reset = resetBreaker(monday.nextState, 'WFT_T');
    expect(reset.scenarios.WFT_T!.breaker).toEqual({ level: 'ok', tradeDate: null, cause: null });
    const after = runScan(marks(2.02, 0.42), reset, rr, at('2026-04-13T15:05:00Z'));
    expect(after.outcome.breaker.scenarios.WFT_T).toBe('ok');
    expectEngineError(() => resetBreaker(reset, 'NOPE'), 'unknown_scenario', /no scenario NOPE/);
  });

  it('consecutive stop losses → reduce_only; another exit reason breaks the streak', () => {
    const stopper = makeScenario({
      ...tight,
      id: 'WFT_S',
      exit: { stop_loss_multiple: 1, profit_target_fraction: 0.5 },
      circuit_breaker: {
        daily_loss_fraction: { warn: 0.5, reduce_only: 0.6, halt: 0.7 },
        consecutive_stop_losses: 2,
      },
    });
    const rs = makeRunConfig([{ ...stopper, priority: 1, origin: 'x' }]);
    let state = initialState(rs);
    let t = NOW_MS;
    const step = (snap: ReturnType<typeof entrySnapshot>) => {
      const res = runScan(snap, state, rs, t);
      state = res.nextState;
      t += 60_000;
      return res.outcome;
    };
    step(entrySnapshot());
    expect(step(marks(3.6, 0.4)).decisions.exits[0]?.closeReason).toBe('stop_loss'); // D 3.2 >= 2 × 1.6
    step(entrySnapshot());
    expect(step(marks(0.8, 0.05)).decisions.exits[0]?.closeReason).toBe('profit_target');
    expect(state.scenarios.WFT_S!.consecutiveStopLosses).toBe(0);
    step(entrySnapshot());
    step(marks(3.6, 0.4));
    step(entrySnapshot());
    const second = step(marks(3.6, 0.4));
    expect(second.breaker.scenarios.WFT_S).toBe('reduce_only');
    expect(second.breakerChanges[0]).toMatchObject({ to: 'reduce_only', cause: '2 consecutive stop losses' });
    expect(step(entrySnapshot()).decisions.entries[0]).toMatchObject({
      status: 'blocked',
      reason: 'breaker',
    });
  });

  it('global: failed scans in a row → reduce_only until a clean scan; HALT → halted while present', () => {
    const r3 = makeRunConfig([tight], { maxConsecutiveFailedScans: 2 });
    let state = runScan(entrySnapshot(), initialState(r3), r3, NOW_MS).nextState;
    const empty = snapshot({});
    state = runScan(empty, state, r3, LATER).nextState;
    expect(state.global).toMatchObject({ consecutiveFailedScans: 1, level: 'ok' });
    const second = runScan(empty, state, r3, at('2026-04-10T15:06:00Z'));
    expect(second.outcome.breaker.global).toBe('reduce_only');
    expect(second.outcome.breakerChanges).toContainEqual(
      expect.objectContaining({ scenario: 'global', from: 'ok', to: 'reduce_only' }),
    );
    expect(summarizeScenarios(second.nextState)[0]!.breaker).toBe('reduce_only');
    const clean = runScan(marks(2.02, 0.42), second.nextState, r3, at('2026-04-10T15:07:00Z'));
    expect(clean.outcome.breaker.global).toBe('ok');
    // HALT: no exit orders even on a profit target, but the level clears when the file goes.
    const pt = makeRunConfig([
      { ...makeScenario({ id: 'WFT_P', role: 'paper', universe: [SPY] }), priority: 1, origin: 'x' },
    ]);
    const open = runScan(entrySnapshot(), initialState(pt), pt, NOW_MS).nextState;
    const haltScan = runScan(marks(0.5, 0.1), open, pt, LATER, { haltRequested: true });
    expect(haltScan.outcome.breaker.global).toBe('halted');
    expect(haltScan.outcome.decisions.exits).toEqual([]);
    const resumed = runScan(marks(0.5, 0.1), haltScan.nextState, pt, at('2026-04-10T15:06:00Z'));
    expect(resumed.outcome.breaker.global).toBe('ok');
    expect(resumed.outcome.decisions.exits[0]).toMatchObject({ closeReason: 'profit_target' });
  });
});
