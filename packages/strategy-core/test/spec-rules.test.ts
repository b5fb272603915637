/**
 * Close calls of SPEC 2–4, each pinned by values: boundaries, tolerances, orders and the bookkeeping
 * figures a parity record carries. Every test here fails when its rule is changed.
 */
import { describe, expect, it } from 'vitest';
import {
  type BrokerRequest,
  type BrokerVerdict,
  ceilToTick,
  type EngineState,
  type ExitContext,
  evaluateExit,
  evaluateGates,
  floorToTick,
  freshScenarioState,
  initialState,
  type OpenPosition,
  type OptionQuote,
  planSnapshot,
  readScenarioBreaker,
  resetBreaker,
  rollTradeDate,
  roundTo,
  runScan,
  selectEntries,
  sessionBoundsMs,
  sizeQuantity,
  toCents,
  toGreek,
} from '../src/index.js';
import { makeRunConfig, makeScenario } from '../src/testing/index.js';
import { EXPIRY, NOW_MS, openPosition, put, q, snapshot, spyChain } from './helpers.js';

const SPY = { underlying: 'SPY', width: 5, tick: 0.01, dividend_yield: 0.013 };
const QQQ = { underlying: 'QQQ', width: 5, tick: 0.01, dividend_yield: 0.006 };
const at = (iso: string) => Date.parse(iso);
const LATER = at('2026-04-10T15:05:00Z');
const MONDAY = at('2026-04-13T15:00:00Z');

const spyOnly = (patch: Parameters<typeof makeScenario>[0] = {}) =>
  makeScenario({ universe: [SPY], ...patch });

const pick = (puts: OptionQuote[], scenario = spyOnly(), price = 512.34) =>
  selectEntries(snapshot({ SPY: { price, puts } }), scenario, NOW_MS)[0]!;

/** Marks the 495/490 spread at shortMid − longMid; the deltas keep both strikes out of any entry. */
const marks = (shortMid: number, longMid: number, extra: OptionQuote[] = []) =>
  snapshot({
    SPY: {
      price: 512.34,
      puts: [
        put({ strike: 490, ...q(longMid), delta: -0.5 }),
        put({ strike: 495, ...q(shortMid), delta: -0.5 }),
        ...extra,
      ],
    },
  });

const entrySnapshot = () => snapshot({ SPY: { price: 512.34, puts: spyChain() } });

describe('SPEC 2: record rounding', () => {
  it('rounds half away from zero on the intended decimal', () => {
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(-1.005, 2)).toBe(-1.01);
    expect(toCents(2.675)).toBe(2.68);
    expect(toCents(1.004999)).toBe(1);
    expect(toCents(0.1 + 0.2)).toBe(0.3);
    expect(toGreek(-0.25125)).toBe(-0.2513);
    expect(toGreek(-0.251249)).toBe(-0.2512);
    expect(Object.is(toCents(-0.001), 0)).toBe(true); // never a negative zero in a record
  });

  it('floors credits and ceils debits to the tick with a 1e-9 nudge, then 4 decimals', () => {
    expect(0.3 / 0.1).toBeLessThan(3);
    expect(floorToTick(0.3, 0.1)).toBe(0.3);
    expect(floorToTick(1.6099, 0.01)).toBe(1.6);
    expect(floorToTick(1.64, 0.05)).toBe(1.6);
    expect(ceilToTick(0.6000000000000001, 0.05)).toBe(0.6);
    expect(ceilToTick(0.61, 0.05)).toBe(0.65);
    expect(ceilToTick(0.6000001, 0.01)).toBe(0.61);
  });
});

describe('SPEC 4.2: selection close calls', () => {
  const chainFor = (expiry: string) => [
    put({ strike: 490, ...q(0.42), expiry }),
    put({ strike: 495, ...q(2.02), delta: -0.25, expiry }),
  ];

  it('the DTE window includes its lower bound', () => {
    expect(pick(chainFor('2026-05-10')).candidate?.dte).toBe(30);
    expect(pick(chainFor('2026-05-09')).reason).toBe('no_expiry_in_window');
  });

  it('an earlier expiry closer to the target wins over a later one', () => {
    // DTE 36 (|−2|) against DTE 41 (|3|).
    const sel = pick([...chainFor('2026-05-16'), ...chainFor('2026-05-21')]);
    expect(sel.candidate?.expiry).toBe('2026-05-16');
    expect(sel.expiries.map((e) => e.expiry)).toEqual(['2026-05-16']);
  });

  it('a short needs bid > 0 even when it would pass every other check', () => {
    const noFloor = spyOnly({ entry: { min_credit: { fraction_of_width: 0, absolute: 0 } } });
    const long = put({ strike: 490, bid: 0, ask: 0.01 });
    const zeroBid = pick([long, put({ strike: 495, bid: 0, ask: 0.05, delta: -0.25 })], noFloor);
    expect(zeroBid.reason).toBe('no_spread');
    expect(zeroBid.expiries[0]!.eligibleShorts).toBe(0);
    const penny = pick([long, put({ strike: 495, bid: 0.01, ask: 0.05, delta: -0.25 })], noFloor);
    expect(penny.candidate).toMatchObject({ shortStrike: 495, longStrike: 490, credit: 0.02 });
  });

  it('two delta distances within 1e-9 are a tie, resolved to the lower strike', () => {
    const chain = (delta495: number) => [
      put({ strike: 489, ...q(0.4) }),
      put({ strike: 490, ...q(0.42) }),
      put({ strike: 494, ...q(2.0), delta: -0.24 }),
      put({ strike: 495, ...q(2.1), delta: delta495 }),
    ];
    // |0.2599999996 − 0.25| is 4e-10 closer than |0.24 − 0.25|: a tie.
    expect(pick(chain(-0.2599999996)).candidate?.shortStrike).toBe(494);
    // 2e-9 closer: no longer a tie.
    expect(pick(chain(-0.259999998)).candidate?.shortStrike).toBe(495);
  });

  it('ties are taken against the closest short, so near-equal chains have one order', () => {
    // Distances 0, 6e-10 and 1.2e-9: 494 ties with 495, 493 ties with 494 but not with 495.
    const chain = [
      put({ strike: 488, ...q(0.38) }),
      put({ strike: 489, ...q(0.4) }),
      put({ strike: 490, ...q(0.42) }),
      put({ strike: 493, ...q(1.9), delta: -0.2500000012 }),
      put({ strike: 494, ...q(2.0), delta: -0.2500000006 }),
      put({ strike: 495, ...q(2.1), delta: -0.25 }),
    ];
    expect(pick(chain).candidate?.shortStrike).toBe(494);
    const unreachable = spyOnly({ entry: { min_credit: { fraction_of_width: 0, absolute: 3 } } });
    const attempts = pick(chain, unreachable).expiries[0]!.attempts;
    expect(attempts.map((a) => [a.shortStrike, a.outcome])).toEqual([
      [494, 'credit_below_floor'],
      [495, 'credit_below_floor'],
      [493, 'credit_below_floor'],
    ]);
  });
});

describe('SPEC 4.2: gates, sizing and portfolio risk', () => {
  const s = makeScenario();
  const c = { underlying: 'SPY', expiry: EXPIRY, shortStrike: 495, width: 5, credit: 1.5 };
  const ctx = {
    scenario: s,
    open: [] as OpenPosition[],
    nowMs: NOW_MS,
    session: sessionBoundsMs('2026-04-10'),
    vix: 17,
    level: 'ok' as const,
  };
  const pos = (over: Partial<OpenPosition>) =>
    openPosition({ underlying: 'QQQ', expiry: '2026-05-22', shortStrike: 430, quantity: 1, ...over });

  it('session_window ends before_close_minutes before an early close (half-open)', () => {
    // 2026-11-27 closes at 13:00 New York (18:00Z): entries until 12:30 (17:30Z), exclusive.
    const session = sessionBoundsMs('2026-11-27');
    expect(session?.earlyClose).toBe(true);
    const gate = (iso: string) => evaluateGates(c, { ...ctx, session, nowMs: at(iso) });
    expect(gate('2026-11-27T15:00:00.000Z').ok).toBe(true);
    expect(gate('2026-11-27T17:29:59.999Z').ok).toBe(true);
    expect(gate('2026-11-27T17:30:00.000Z')).toMatchObject({ ok: false, reason: 'session_window' });
    // Through a scan: the session comes from the calendar.
    const paper = makeScenario({ id: 'WFT_A', role: 'paper', universe: [SPY] });
    const run = makeRunConfig([paper]);
    const expiry = '2027-01-01'; // DTE 35
    const snap = (iso: string) =>
      snapshot(
        {
          SPY: {
            price: 512.34,
            puts: [
              put({ strike: 490, ...q(0.42), expiry }),
              put({ strike: 495, ...q(2.02), delta: -0.25, expiry }),
            ],
          },
        },
        { asOfMs: at(iso) },
      );
    const before = runScan(snap('2026-11-27T17:29:00Z'), initialState(run), run, at('2026-11-27T17:29:00Z'));
    expect(before.outcome.decisions.entries[0]).toMatchObject({ status: 'paper_filled' });
    const after = runScan(snap('2026-11-27T17:45:00Z'), initialState(run), run, at('2026-11-27T17:45:00Z'));
    expect(after.outcome.decisions.entries[0]).toMatchObject({ status: 'blocked', reason: 'session_window' });
  });

  it('duplicate needs the same expiry as well as underlying and short strike', () => {
    const otherExpiry = pos({ underlying: 'SPY', expiry: '2026-05-22', shortStrike: 495 });
    expect(evaluateGates(c, { ...ctx, open: [otherExpiry] }).ok).toBe(true);
    const same = pos({ underlying: 'SPY', expiry: EXPIRY, shortStrike: 495 });
    expect(evaluateGates(c, { ...ctx, open: [same] })).toMatchObject({ reason: 'duplicate' });
  });

  it('applies the limit gates in order: open positions, per underlying, per expiry, size, portfolio risk', () => {
    const huge = { ...c, width: 50, credit: 5 }; // quantity 0
    const spy1 = pos({ underlying: 'SPY', expiry: EXPIRY, shortStrike: 480 });
    const spy2 = pos({ underlying: 'SPY', expiry: EXPIRY, shortStrike: 470 });
    const qqq = pos({ underlying: 'QQQ', expiry: EXPIRY });
    const iwm = pos({ underlying: 'IWM', expiry: EXPIRY });
    const risky = pos({ underlying: 'DIA', width: 500, entryCredit: 0 }); // 50,000 of risk
    const other = pos({ underlying: 'XLF' });
    const gate = (cand: typeof c, open: OpenPosition[]) => evaluateGates(cand, { ...ctx, open });
    expect(gate(huge, [spy1, spy2, qqq, iwm, risky, other])).toMatchObject({ reason: 'max_open_positions' });
    expect(gate(huge, [spy1, spy2, qqq, iwm, risky])).toMatchObject({ reason: 'max_per_underlying' });
    expect(gate(huge, [spy1, qqq, iwm, risky])).toMatchObject({ reason: 'max_per_expiry' });
    expect(gate(huge, [spy1, qqq, risky])).toMatchObject({ reason: 'size', quantity: 0 });
    expect(gate(c, [spy1, qqq, risky])).toMatchObject({ reason: 'portfolio_risk', quantity: 5 });
    expect(gate(c, [spy1, qqq])).toEqual({ ok: true, quantity: 5 });
  });

  it('portfolio risk passes at the limit and within 1e-9 above it', () => {
    // New: (5 − 1.5) × 100 × 5 = 1,750. Limit: 0.40 × 100,000 = 40,000.
    const exact = pos({ width: 5, entryCredit: 1.25, quantity: 102 }); // 38,250
    expect(evaluateGates(c, { ...ctx, open: [exact] }).ok).toBe(true);
    const hair = pos({ width: 382.500000000005, entryCredit: 0 }); // 38,250.0000000005
    expect(evaluateGates(c, { ...ctx, open: [hair] }).ok).toBe(true);
    const over = pos({ width: 382.50000001, entryCredit: 0 }); // 38,250.000001
    expect(evaluateGates(c, { ...ctx, open: [over] })).toMatchObject({ reason: 'portfolio_risk' });
  });

  it('sizing floors with a 1e-9 tolerance: 4.9999999999999 contracts is 5', () => {
    expect(sizeQuantity(s, 5, 1 - 1e-13)).toBe(5);
    expect(sizeQuantity(s, 5, 1 - 1e-6)).toBe(4);
  });
});

describe('SPEC 4.3: profit target fractions other than one half', () => {
  const ctx = (scenario: ReturnType<typeof makeScenario>, debit: number): ExitContext => ({
    scenario,
    tradeDate: '2026-04-10',
    nowMs: NOW_MS,
    session: sessionBoundsMs('2026-04-10'),
    underlyingPrice: 512,
    mark: { status: 'fresh', debit },
    level: 'ok',
    tick: 0.01,
  });

  it('fires at D <= (1 − fraction) × C', () => {
    const f35 = makeScenario({ exit: { profit_target_fraction: 0.35 } });
    expect(evaluateExit(openPosition(), ctx(f35, 1.04))).toMatchObject({ reason: 'profit_target' });
    expect(evaluateExit(openPosition(), ctx(f35, 1.05)).exit).toBe(false);
    const f65 = makeScenario({ exit: { profit_target_fraction: 0.65 } });
    expect(evaluateExit(openPosition(), ctx(f65, 0.56))).toMatchObject({ reason: 'profit_target' });
    expect(evaluateExit(openPosition(), ctx(f65, 0.57)).exit).toBe(false);
  });
});

describe('SPEC 4.4: book figures through a scan', () => {
  const live = makeScenario({ universe: [SPY] }, 1);
  const run = makeRunConfig([live]);

  it('a broker fill price is booked at full precision and recorded to the cent', () => {
    const { outcome, nextState } = runScan(entrySnapshot(), initialState(run), run, NOW_MS, {
      broker: () => ({ status: 'filled', price: 1.625 }),
      mode: 'live',
    });
    expect(outcome.decisions.entries[0]).toMatchObject({ status: 'filled', credit: 1.63 });
    expect(nextState.scenarios.LT_RC!.open[0]!.entryCredit).toBe(1.625);
  });

  it('the high-water mark takes the equity after a fill above the mid', () => {
    // Filled at 1.70, marked at the mid credit 1.60: (1.70 − 1.60) × 500 − 6.50 = +43.50.
    const { nextState, outcome } = runScan(entrySnapshot(), initialState(run), run, NOW_MS, {
      broker: () => ({ status: 'filled', price: 1.7 }),
      mode: 'live',
    });
    expect(outcome.summaries[0]!.equity).toBe(100_043.5);
    expect(nextState.scenarios.LT_RC!.highWaterMark).toBeCloseTo(100_043.5, 9);
  });

  it('the high-water mark keeps the marked equity seen before a same-scan entry pays its fees', () => {
    const paper = makeScenario({ id: 'WFT_A', role: 'paper', universe: [SPY] });
    const r = makeRunConfig([paper]);
    const s1 = runScan(entrySnapshot(), initialState(r), r, NOW_MS).nextState;
    // 495/490 marks at 1.08 (+253.50 unrealized); a new 494/489 spread fills in the same scan.
    const snap = marks(1.5, 0.42, [
      put({ strike: 489, ...q(0.4) }),
      put({ strike: 494, ...q(2.0), delta: -0.25 }),
    ]);
    const { nextState, outcome } = runScan(snap, s1, r, LATER);
    expect(outcome.decisions.entries[0]).toMatchObject({ shortStrike: 494, status: 'paper_filled' });
    expect(nextState.scenarios.WFT_A!.highWaterMark).toBeCloseTo(100_253.5, 9);
    expect(outcome.summaries[0]!.equity).toBe(100_247); // the new entry's fees 6.50 after the peak
  });

  it('summary amounts are rounded to the cent, the book is not', () => {
    const odd = makeScenario({
      id: 'WFT_A',
      role: 'paper',
      universe: [SPY],
      pricing: { fees_per_contract_per_leg: 0.6543 },
    });
    const r = makeRunConfig([odd]);
    const { outcome, nextState } = runScan(entrySnapshot(), initialState(r), r, NOW_MS);
    expect(outcome.summaries[0]).toMatchObject({ equity: 99_993.46, unrealizedPnl: -6.54 });
    expect(nextState.scenarios.WFT_A!.open[0]!.entryFees).toBeCloseTo(6.543, 12);
  });

  it('a live exit filled at a broker price closes at that price', () => {
    const s1 = runScan(entrySnapshot(), initialState(run), run, NOW_MS).nextState;
    const { outcome, nextState } = runScan(marks(0.8, 0.02), s1, run, LATER, {
      broker: () => ({ status: 'filled', price: 0.75 }),
      mode: 'live',
    });
    expect(outcome.decisions.exits[0]).toMatchObject({
      closeReason: 'profit_target',
      status: 'filled',
      debit: 0.75,
    });
    // (1.60 − 0.75) × 500 − 6.50 − 6.50
    expect(nextState.scenarios.LT_RC!.realizedPnl).toBeCloseTo(412, 9);
    expect(nextState.scenarios.LT_RC!.recentClosed[0]!.exitDebit).toBe(0.75);
  });

  it('a rejected exit precheck leaves the position open and keeps its close intent id', () => {
    const s1 = runScan(entrySnapshot(), initialState(run), run, NOW_MS).nextState;
    const requests: BrokerRequest[] = [];
    const reject = (r: BrokerRequest): BrokerVerdict => {
      requests.push(r);
      return { status: 'precheck_rejected', reason: 'PriceOutsideLimits' };
    };
    const first = runScan(marks(0.8, 0.02), s1, run, LATER, { broker: reject });
    expect(first.outcome.decisions.exits[0]).toMatchObject({
      status: 'precheck_rejected',
      reason: 'PriceOutsideLimits',
      intentId: 'LT_RC:2026-04-10:SPY:20260515:495:490:close:1',
    });
    expect(first.nextState.scenarios.LT_RC!.open).toHaveLength(1);
    expect(first.nextState.scenarios.LT_RC!.closedCount).toBe(0);
    const second = runScan(marks(0.8, 0.02), first.nextState, run, at('2026-04-10T15:06:00Z'), {
      broker: () => ({ status: 'precheck_ok' }),
    });
    expect(second.outcome.decisions.exits[0]).toMatchObject({
      status: 'precheck_ok',
      intentId: first.outcome.decisions.exits[0]!.intentId,
    });
    expect(second.nextState.scenarios.LT_RC!.open).toHaveLength(0);
    expect(requests.map((r) => r.kind)).toEqual(['exit']);
  });
});

describe('SPEC 4.5: breaker figures', () => {
  const scenario = makeScenario({
    id: 'WFT_T',
    role: 'paper',
    universe: [SPY],
    exit: { stop_loss_multiple: null, profit_target_fraction: null },
    circuit_breaker: {
      daily_loss_fraction: { warn: 0.005, reduce_only: 0.01, halt: 0.03 },
      drawdown_fraction: { warn: 0.5, reduce_only: 0.6, halt: 0.7 },
    },
  });
  const r = makeRunConfig([scenario]);
  const opened = () => runScan(entrySnapshot(), initialState(r), r, NOW_MS).nextState;

  it('thresholds are reached at equality (within 1e-9)', () => {
    const s = freshScenarioState(scenario);
    s.dailyBaseline = { tradeDate: '2026-04-10', equity: 100_000 };
    expect(readScenarioBreaker(s, scenario, 99_500).level).toBe('warn');
    expect(readScenarioBreaker(s, scenario, 99_000).level).toBe('reduce_only');
    expect(readScenarioBreaker(s, scenario, 97_000).level).toBe('halted');
    expect(readScenarioBreaker(s, scenario, 99_500.01).level).toBe('ok');
    // 1 − 90,000 / 100,000 is 0.09999999999999998 in binary: still a 10% drawdown.
    const dd = makeScenario({
      circuit_breaker: { drawdown_fraction: { warn: 0.1, reduce_only: 0.15, halt: 0.2 } },
    });
    const d = freshScenarioState(dd);
    expect(readScenarioBreaker(d, dd, 90_000)).toMatchObject({
      level: 'warn',
      cause: 'drawdown 10.00% from high-water mark',
    });
  });

  it('daily loss counts from the first scan of the trade date, not from the starting equity', () => {
    // Friday: mark 2.62 → equity 99,483.50 → daily loss 0.52% → warn.
    const friday = runScan(marks(3.0, 0.38), opened(), r, LATER);
    expect(friday.outcome.breaker.scenarios.WFT_T).toBe('warn');
    // Monday's first scan at the same mark: its baseline is that equity, so the day starts at 0.
    const monday = runScan(marks(3.0, 0.38), friday.nextState, r, MONDAY);
    expect(monday.nextState.scenarios.WFT_T!.dailyBaseline).toEqual({
      tradeDate: '2026-04-13',
      equity: expect.closeTo(99_483.5, 9),
    });
    expect(monday.outcome.breaker.scenarios.WFT_T).toBe('ok');
    // A further 0.10% on Monday stays below warn.
    const later = runScan(marks(3.2, 0.38), monday.nextState, r, at('2026-04-13T15:05:00Z'));
    expect(later.outcome.breaker.scenarios.WFT_T).toBe('ok');
  });

  it('the daily baseline is taken after marking: an overnight gap is not a loss of the new day', () => {
    const s1 = opened();
    const monday = runScan(marks(3.0, 0.38), s1, r, MONDAY);
    expect(monday.nextState.scenarios.WFT_T!.dailyBaseline!.equity).toBeCloseTo(99_483.5, 9);
    expect(monday.outcome.breaker.scenarios.WFT_T).toBe('ok');
  });

  it('drawdown is measured from the high-water mark, also above the starting equity', () => {
    const dd = makeScenario({
      id: 'WFT_D',
      role: 'paper',
      universe: [SPY],
      exit: { stop_loss_multiple: null, profit_target_fraction: null },
      circuit_breaker: {
        daily_loss_fraction: { warn: 0.5, reduce_only: 0.6, halt: 0.7 },
        drawdown_fraction: { warn: 0.005, reduce_only: 0.02, halt: 0.5 },
      },
    });
    const rd = makeRunConfig([dd]);
    const s1 = runScan(entrySnapshot(), initialState(rd), rd, NOW_MS).nextState;
    // Mark 1.08: equity 100,253.50, a new high.
    const up = runScan(marks(1.5, 0.42), s1, rd, LATER);
    expect(up.nextState.scenarios.WFT_D!.highWaterMark).toBeCloseTo(100_253.5, 9);
    // Mark 2.10: equity 99,743.50; 0.51% below the high (but only 0.26% below the start).
    const down = runScan(marks(2.52, 0.42), up.nextState, rd, at('2026-04-10T15:10:00Z'));
    expect(down.outcome.breaker.scenarios.WFT_D).toBe('warn');
    expect(down.outcome.breakerChanges[0]!.cause).toBe('drawdown 0.51% from high-water mark');
  });

  it('a new trade date resets the stop-loss streak and the daily baseline; the same date changes nothing', () => {
    const s = freshScenarioState(scenario);
    s.breaker = { level: 'reduce_only', tradeDate: '2026-04-10', cause: '2 consecutive stop losses' };
    s.consecutiveStopLosses = 2;
    s.dailyBaseline = { tradeDate: '2026-04-10', equity: 100_000 };
    rollTradeDate(s, '2026-04-10', 99_000);
    expect(s).toMatchObject({
      consecutiveStopLosses: 2,
      dailyBaseline: { tradeDate: '2026-04-10', equity: 100_000 },
      breaker: { level: 'reduce_only' },
    });
    rollTradeDate(s, '2026-04-13', 99_000);
    expect(s).toMatchObject({
      consecutiveStopLosses: 0,
      dailyBaseline: { tradeDate: '2026-04-13', equity: 99_000 },
      breaker: { level: 'ok', tradeDate: '2026-04-13', cause: null },
    });
  });

  it('stop losses on different trade dates do not make a streak', () => {
    const stopper = makeScenario({
      id: 'WFT_S',
      role: 'paper',
      universe: [SPY],
      exit: { stop_loss_multiple: 1, profit_target_fraction: 0.5 },
      circuit_breaker: {
        daily_loss_fraction: { warn: 0.5, reduce_only: 0.6, halt: 0.7 },
        consecutive_stop_losses: 2,
      },
    });
    const rs = makeRunConfig([stopper]);
    let state = runScan(entrySnapshot(), initialState(rs), rs, NOW_MS).nextState;
    state = runScan(marks(3.6, 0.4), state, rs, LATER).nextState; // D 3.20 >= 2 × 1.60: stop
    expect(state.scenarios.WFT_S!.consecutiveStopLosses).toBe(1);
    state = runScan(entrySnapshot(), state, rs, MONDAY).nextState;
    const second = runScan(marks(3.6, 0.4), state, rs, at('2026-04-13T15:05:00Z'));
    expect(second.outcome.decisions.exits[0]?.closeReason).toBe('stop_loss');
    expect(second.nextState.scenarios.WFT_S!.consecutiveStopLosses).toBe(1);
    expect(second.outcome.breaker.scenarios.WFT_S).toBe('ok');
  });

  it('resetBreaker re-bases the high-water mark at the current equity', () => {
    const state = initialState(r);
    const s = state.scenarios.WFT_T!;
    const halted: EngineState = {
      ...state,
      scenarios: {
        WFT_T: {
          ...s,
          highWaterMark: 125_000,
          breaker: { level: 'halted', tradeDate: '2026-04-10', cause: 'x' },
        },
      },
    };
    const reset = resetBreaker(halted, 'WFT_T');
    expect(reset.scenarios.WFT_T!.highWaterMark).toBe(100_000);
    expect(resetBreaker(halted, 'WFT_T', 101_000).scenarios.WFT_T!.highWaterMark).toBe(101_000);
    expect(halted.scenarios.WFT_T!.highWaterMark).toBe(125_000); // input untouched
  });
});

describe('SPEC 4 and 4.5: market-data failures and the global level', () => {
  const both = makeScenario({ id: 'WFT_A', role: 'paper', universe: [SPY, QQQ] });
  const qqqChain = () =>
    spyChain().map((p) => ({ ...p, underlying: 'QQQ', root: 'QQQ', ticker: p.ticker.replace('SPY', 'QQQ') }));
  const full = () =>
    snapshot({ SPY: { price: 512.34, puts: spyChain() }, QQQ: { price: 505, puts: qqqChain() } });
  const spyOnlySnap = () => snapshot({ SPY: { price: 512.34, puts: spyChain() } });
  const none = () => snapshot({});

  it('a scan with prices but no chain for every underlying is a failed scan', () => {
    const r1 = makeRunConfig([both], { maxConsecutiveFailedScans: 1 });
    const pricesOnly = full();
    pricesOnly.chains = {};
    const { outcome } = runScan(pricesOnly, initialState(r1), r1, NOW_MS);
    expect(outcome.breaker.global).toBe('reduce_only');
    expect(runScan(spyOnlySnap(), initialState(r1), r1, NOW_MS).outcome.breaker.global).toBe('ok');
  });

  it('the failed-scan condition holds through partial scans until a clean one', () => {
    const r2 = makeRunConfig([both], { maxConsecutiveFailedScans: 2 });
    let state = initialState(r2);
    let t = NOW_MS;
    const step = (snap: ReturnType<typeof full>) => {
      const res = runScan(snap, state, r2, t);
      state = res.nextState;
      t += 60_000;
      return res.outcome;
    };
    // failed, partial, failed: the partial scan breaks the row.
    step(none());
    expect(step(spyOnlySnap()).breaker.global).toBe('ok');
    expect(step(none()).breaker.global).toBe('ok');
    expect(step(none()).breaker.global).toBe('reduce_only');
    // QQQ still failing: not a clean scan, entries on SPY stay blocked.
    const partial = step(spyOnlySnap());
    expect(partial.breaker.global).toBe('reduce_only');
    expect(partial.breakerChanges).toEqual([]);
    expect(partial.decisions.entries[0]).toMatchObject({
      underlying: 'SPY',
      status: 'blocked',
      reason: 'breaker',
    });
    expect(partial.summaries[0]!.breaker).toBe('reduce_only');
    const clean = step(full());
    expect(clean.breaker.global).toBe('ok');
    expect(clean.breakerChanges).toEqual([
      expect.objectContaining({ scenario: 'global', from: 'reduce_only', to: 'ok' }),
    ]);
    // SPY was filled by the partial scan before the condition was reached.
    expect(clean.decisions.entries.map((e) => [e.underlying, e.status, e.reason])).toEqual([
      ['SPY', 'blocked', 'duplicate'],
      ['QQQ', 'paper_filled', null],
    ]);
  });

  it('the global level blocks entries with reason breaker while the scenario itself is ok', () => {
    const r = makeRunConfig([both]);
    const { outcome } = runScan(full(), initialState(r), r, NOW_MS, { haltRequested: true });
    expect(outcome.breaker).toEqual({ global: 'halted', scenarios: { WFT_A: 'ok' } });
    expect(outcome.decisions.entries.map((e) => [e.status, e.reason])).toEqual([
      ['blocked', 'breaker'],
      ['blocked', 'breaker'],
    ]);
  });

  it("a failed underlying's positions keep their last marks even when their leg quotes arrive", () => {
    const paper = makeScenario({ id: 'WFT_A', role: 'paper', universe: [SPY] });
    const r = makeRunConfig([paper]);
    const s1 = runScan(entrySnapshot(), initialState(r), r, NOW_MS).nextState;
    const legs = marks(5.0, 0.1).chains.SPY!; // D 4.90: a stop loss if it were marked
    const failed = snapshot({}, { legs });
    failed.errors.push({
      source: 'polygon',
      code: 'server_error',
      message: 'SPY chain: 502',
      underlying: 'SPY',
    });
    const { outcome, nextState } = runScan(failed, s1, r, LATER);
    expect(outcome.decisions.exits).toEqual([]);
    expect(nextState.scenarios.WFT_A!.open[0]).toMatchObject({
      lastMark: s1.scenarios.WFT_A!.open[0]!.lastMark,
      lastMarkAt: '2026-04-10T15:00:00.000Z',
    });
    // With its underlying back, the same leg quotes mark it and the stop fires.
    const ok = snapshot({ SPY: { price: 512.34, puts: [] } }, { legs });
    expect(runScan(ok, s1, r, LATER).outcome.decisions.exits[0]).toMatchObject({
      closeReason: 'stop_loss',
      debit: 4.9,
    });
  });

  it('a VIX that is not a finite number counts as missing', () => {
    const paper = makeScenario({ id: 'WFT_A', role: 'paper', universe: [SPY] });
    const r = makeRunConfig([paper]);
    for (const vix of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const { outcome } = runScan({ ...entrySnapshot(), vix }, initialState(r), r, NOW_MS);
      expect(outcome.vix).toBeNull();
      expect(outcome.decisions.entries[0]).toMatchObject({ status: 'blocked', reason: 'vix' });
      expect(outcome.errors).toContainEqual(
        expect.objectContaining({ source: 'engine', code: 'vix_unavailable' }),
      );
    }
  });

  it('an underlying price that is not a usable number is left out of the record and gives no entry', () => {
    const paper = makeScenario({ id: 'WFT_A', role: 'paper', universe: [SPY] });
    const r = makeRunConfig([paper]);
    const snap = snapshot({ SPY: { price: Number.NaN, puts: spyChain() } });
    const { outcome } = runScan(snap, initialState(r), r, NOW_MS);
    expect(outcome.underlyings).toEqual({});
    expect(outcome.decisions.entries).toEqual([]);
    expect(JSON.parse(JSON.stringify(outcome))).toEqual(outcome);
  });

  it('an open position on an underlying no universe lists any more is still priced and settled', () => {
    const paper = makeScenario({ id: 'WFT_A', role: 'paper', universe: [SPY] });
    const r = makeRunConfig([paper]);
    const s1 = runScan(entrySnapshot(), initialState(r), r, NOW_MS).nextState;
    const narrowed = makeRunConfig([makeScenario({ id: 'WFT_A', role: 'paper', universe: [QQQ] })]);
    const after = at('2026-05-18T15:00:00Z');
    const plan = planSnapshot(s1, narrowed, after);
    expect(
      plan.underlyings.map((u) => [u.symbol, u.vendorTicker, u.optionRoots, u.expiryFrom, u.expiryTo]),
    ).toEqual([
      ['QQQ', 'QQQ', ['QQQ'], '2026-06-17', '2026-07-02'],
      ['SPY', 'SPY', ['SPY'], '2026-05-18', '2026-05-18'],
    ]);
    const snap = snapshot({ SPY: { price: 493.2, puts: [] } }, { asOfMs: after });
    const { outcome, nextState } = runScan(snap, s1, narrowed, after);
    expect(outcome.decisions.exits).toEqual([
      expect.objectContaining({
        underlying: 'SPY',
        closeReason: 'expired',
        debit: 1.8,
        status: 'paper_filled',
      }),
    ]);
    expect(nextState.scenarios.WFT_A!.open).toEqual([]);
    // The failed-scan rule still looks at the traded underlyings only.
    expect(outcome.breaker.global).toBe('ok');
    expect(nextState.global.consecutiveFailedScans).toBe(1);
  });
});
