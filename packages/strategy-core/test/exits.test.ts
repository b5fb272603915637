import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bookEntry,
  bookExit,
  type ExitContext,
  equityOf,
  evaluateExit,
  freshScenarioState,
  markSpread,
  sessionBoundsMs,
} from '../src/index.js';
import { makeScenario } from '../src/testing/index.js';
import { EXPIRY, NOW_MS, openPosition, put, q } from './helpers.js';

const scenario = makeScenario();

const fresh = (debit: number) => ({ status: 'fresh' as const, debit });
function ctx(over: Partial<ExitContext> = {}): ExitContext {
  return {
    scenario,
    tradeDate: '2026-04-10',
    nowMs: NOW_MS,
    session: sessionBoundsMs('2026-04-10'),
    underlyingPrice: 512,
    mark: fresh(1.5),
    level: 'ok',
    tick: 0.01,
    ...over,
  };
}

describe('markSpread', () => {
  const p = openPosition();
  it('marks D = mid short − mid long from valid quotes', () => {
    expect(
      markSpread(p, put({ strike: 495, ...q(2.1) }), put({ strike: 490, ...q(0.5) }), NOW_MS, 120),
    ).toEqual({
      status: 'fresh',
      debit: expect.closeTo(1.6, 12),
    });
  });
  it('is stale from missing or invalid quotes or outside [0, W]', () => {
    expect(markSpread(p, null, put({ strike: 490 }), NOW_MS, 120)).toMatchObject({
      status: 'stale',
      why: 'missing_quote',
    });
    expect(
      markSpread(p, put({ strike: 495, bid: 2, ask: 1.9 }), put({ strike: 490 }), NOW_MS, 120),
    ).toMatchObject({ why: 'invalid_quote' });
    const old = put({ strike: 495, ...q(2), quoteTimeMs: NOW_MS - 121_000 });
    expect(markSpread(p, old, put({ strike: 490 }), NOW_MS, 120)).toMatchObject({ why: 'invalid_quote' });
    expect(
      markSpread(p, put({ strike: 495, ...q(6) }), put({ strike: 490, ...q(0.5) }), NOW_MS, 120),
    ).toMatchObject({ why: 'out_of_range' });
    expect(
      markSpread(p, put({ strike: 495, ...q(0.4) }), put({ strike: 490, ...q(0.5) }), NOW_MS, 120),
    ).toMatchObject({ why: 'out_of_range' });
  });
});

describe('evaluateExit: precedence and thresholds', () => {
  it('stop_loss when D >= (1 + multiple) × C', () => {
    expect(evaluateExit(openPosition(), ctx({ mark: fresh(4.8) }))).toEqual({
      exit: true,
      reason: 'stop_loss',
      debit: 4.8,
    });
    expect(evaluateExit(openPosition(), ctx({ mark: fresh(4.79) }))).toEqual({ exit: false, why: 'none' });
  });

  it('profit_target when D <= (1 − fraction) × C', () => {
    expect(evaluateExit(openPosition(), ctx({ mark: fresh(0.8) }))).toEqual({
      exit: true,
      reason: 'profit_target',
      debit: 0.8,
    });
    expect(evaluateExit(openPosition(), ctx({ mark: fresh(0.81) })).exit).toBe(false);
  });

  it('dte_exit when DTE <= dte_exit', () => {
    const near = openPosition({ expiry: '2026-05-01' }); // DTE 21
    expect(evaluateExit(near, ctx())).toEqual({ exit: true, reason: 'dte_exit', debit: 1.5 });
    expect(evaluateExit(openPosition({ expiry: '2026-05-02' }), ctx()).exit).toBe(false); // DTE 22
  });

  it('disabled rules never fire', () => {
    const off = makeScenario({
      exit: { stop_loss_multiple: null, profit_target_fraction: null, dte_exit: null },
    });
    for (const D of [0, 0.5, 4.9, 5]) {
      expect(
        evaluateExit(openPosition({ expiry: '2026-04-20' }), ctx({ scenario: off, mark: fresh(D) })).exit,
      ).toBe(false);
    }
  });

  it('orders expired > expiration_day > stop_loss > profit_target > dte_exit', () => {
    // Stop and DTE both true: stop wins.
    expect(evaluateExit(openPosition({ expiry: '2026-04-20' }), ctx({ mark: fresh(4.9) }))).toMatchObject({
      reason: 'stop_loss',
    });
    // Target and DTE both true: target wins.
    expect(evaluateExit(openPosition({ expiry: '2026-04-20' }), ctx({ mark: fresh(0.1) }))).toMatchObject({
      reason: 'profit_target',
    });
    // Expiration day after the close time beats a stop.
    const expiring = openPosition({ expiry: '2026-04-10' });
    const late = Date.parse('2026-04-10T19:45:00Z');
    expect(evaluateExit(expiring, ctx({ nowMs: late, mark: fresh(4.9) }))).toEqual({
      exit: true,
      reason: 'expiration_day',
      debit: 4.9,
    });
    // Missed expiration beats everything and settles at intrinsic clamp(K_s − S, 0, W).
    const missed = openPosition({ expiry: '2026-04-09' });
    expect(evaluateExit(missed, ctx({ mark: fresh(4.9), underlyingPrice: 493.21 }))).toEqual({
      exit: true,
      reason: 'expired',
      debit: 495 - 493.21,
    });
    expect(evaluateExit(missed, ctx({ underlyingPrice: 480 }))).toMatchObject({ debit: 5 });
    expect(evaluateExit(missed, ctx({ underlyingPrice: 500 }))).toMatchObject({ debit: 0 });
    expect(evaluateExit(missed, ctx({ underlyingPrice: null }))).toEqual({
      exit: false,
      why: 'no_settlement_price',
    });
  });

  it('expiration_day fires at expiration_day_close_time, or 15 minutes before an early close', () => {
    const noDte = makeScenario({ exit: { dte_exit: null } });
    const expiring = openPosition({ expiry: '2026-04-10' });
    expect(
      evaluateExit(expiring, ctx({ scenario: noDte, nowMs: Date.parse('2026-04-10T19:44:59Z') })).exit,
    ).toBe(false);
    expect(
      evaluateExit(expiring, ctx({ scenario: noDte, nowMs: Date.parse('2026-04-10T19:45:00Z') })),
    ).toMatchObject({ reason: 'expiration_day' });
    // 2026-11-27, the day after Thanksgiving, closes 13:00 New York (EST): cutoff 12:45 = 17:45Z.
    const friday = openPosition({ expiry: '2026-11-27' });
    const session = sessionBoundsMs('2026-11-27');
    expect(session?.earlyClose).toBe(true);
    const at = (iso: string) =>
      evaluateExit(
        friday,
        ctx({ scenario: noDte, tradeDate: '2026-11-27', session, nowMs: Date.parse(iso) }),
      );
    expect(at('2026-11-27T17:44:59Z').exit).toBe(false);
    expect(at('2026-11-27T17:45:00Z')).toMatchObject({ reason: 'expiration_day' });
  });

  it('expiration_day closes on a stale mark with the last good mark, else intrinsic', () => {
    const late = Date.parse('2026-04-10T19:50:00Z');
    const stale = { status: 'stale' as const, why: 'invalid_quote' as const, debit: null };
    expect(
      evaluateExit(
        openPosition({ expiry: '2026-04-10', lastMark: 0.333 }),
        ctx({ nowMs: late, mark: stale }),
      ),
    ).toMatchObject({ debit: 0.34 });
    expect(
      evaluateExit(
        openPosition({ expiry: '2026-04-10', lastMark: null }),
        ctx({ nowMs: late, mark: stale, underlyingPrice: 493 }),
      ),
    ).toMatchObject({ debit: 2 });
  });

  it('rounds the exit debit up to the tick without float noise costing a tick', () => {
    expect(evaluateExit(openPosition(), ctx({ mark: fresh(4.801) }))).toMatchObject({ debit: 4.81 });
    expect(evaluateExit(openPosition(), ctx({ mark: fresh(0.3 + 0.1 + 0.2) }))).toMatchObject({ debit: 0.6 }); // 0.6000000000000001
    expect(evaluateExit(openPosition(), ctx({ mark: fresh(0.61), tick: 0.05 }))).toMatchObject({
      debit: 0.65,
    });
  });

  it('halted: only expiration bookkeeping', () => {
    expect(evaluateExit(openPosition(), ctx({ mark: fresh(4.9), level: 'halted' }))).toEqual({
      exit: false,
      why: 'halted',
    });
    const late = Date.parse('2026-04-10T19:50:00Z');
    expect(
      evaluateExit(openPosition({ expiry: '2026-04-10' }), ctx({ nowMs: late, level: 'halted' })).exit,
    ).toBe(false);
    expect(evaluateExit(openPosition({ expiry: '2026-04-09' }), ctx({ level: 'halted' }))).toMatchObject({
      reason: 'expired',
    });
    expect(evaluateExit(openPosition(), ctx({ mark: fresh(4.9), level: 'reduce_only' }))).toMatchObject({
      reason: 'stop_loss',
    });
  });

  it('never fires stop, target or DTE exits on a stale mark (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.constantFrom('missing_quote' as const, 'invalid_quote' as const, 'out_of_range' as const),
        fc.integer({ min: 0, max: 60 }),
        fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: null }),
        (debit, why, days, lastMark) => {
          const expiry = new Date(Date.parse('2026-04-11T12:00:00Z') + days * 86_400_000)
            .toISOString()
            .slice(0, 10);
          const ev = evaluateExit(
            openPosition({ expiry, lastMark }),
            ctx({ mark: { status: 'stale', why, debit } }),
          );
          expect(ev).toEqual({ exit: false, why: 'stale_mark' });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('paper book and equity', () => {
  it('fills entries at C and exits at the debit; P&L nets fees on both sides', () => {
    const s = freshScenarioState(scenario);
    const p = bookEntry(s, scenario, {
      legs: {
        underlying: 'SPY',
        optionType: 'put',
        expiry: EXPIRY,
        shortStrike: 495,
        longStrike: 490,
        shortTicker: 'a',
        longTicker: 'b',
      },
      quantity: 5,
      width: 5,
      credit: 1.6,
      intentId: 'LT_RC:2026-04-10:SPY:20260515:495:490:open:1',
      markDebit: 1.62,
      ts: '2026-04-10T15:00:00.000Z',
      tradeDate: '2026-04-10',
      bookedAs: 'paper_filled',
    });
    expect(p).toMatchObject({ positionSeq: 1, entryFees: 6.5, lastMark: 1.62 });
    expect(s).toMatchObject({ nextPositionSeq: 2, tradeCount: 1 });
    // unrealized = (1.60 − 1.62) × 100 × 5 − 6.50 = −16.50
    expect(equityOf(s).unrealizedPnl).toBeCloseTo(-16.5, 9);
    expect(equityOf(s).equity).toBeCloseTo(99_983.5, 9);
    const closed = bookExit(s, scenario, p, {
      debit: 0.8,
      reason: 'profit_target',
      closeIntentId: 'x',
      ts: 't',
      tradeDate: '2026-04-13',
    });
    // realized = (1.60 − 0.80) × 100 × 5 − 6.50 − 6.50 = 387
    expect(closed.realizedPnl).toBeCloseTo(387, 9);
    expect(s).toMatchObject({ open: [], closedCount: 1, tradeCount: 1, consecutiveStopLosses: 0 });
    expect(equityOf(s).equity).toBeCloseTo(100_387, 9);
    expect(() =>
      bookEntry(s, scenario, {
        ...closed,
        legs: closed,
        credit: 1,
        markDebit: null,
        ts: 't',
        tradeDate: 'd',
        quantity: 0,
      } as never),
    ).toThrow(/quantity must be a positive integer/);
  });
});
