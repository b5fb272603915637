import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bsmGreeks,
  bsmPrice,
  describeSelections,
  evaluateGates,
  type OptionQuote,
  selectEntries,
  sizeQuantity,
  yearFractionToExpiry,
} from '../src/index.js';
import { makeScenario } from '../src/testing/index.js';
import { EXPIRY, NOW_MS, put, q, snapshot, spyChain } from './helpers.js';

const spyOnly = (patch: Parameters<typeof makeScenario>[0] = {}) =>
  makeScenario({ universe: [{ underlying: 'SPY', width: 5, tick: 0.01, dividend_yield: 0.013 }], ...patch });

const pick = (puts: OptionQuote[], scenario = spyOnly(), price = 512.34) => {
  const [sel] = selectEntries(snapshot({ SPY: { price, puts } }), scenario, NOW_MS);
  return sel!;
};

describe('selectEntries: candidate spread', () => {
  it('selects the short nearest the target delta and the long one width below', () => {
    const sel = pick(spyChain());
    expect(sel.reason).toBeNull();
    expect(sel.candidate).toMatchObject({
      underlying: 'SPY',
      expiry: EXPIRY,
      dte: 35,
      shortStrike: 495,
      longStrike: 490,
      width: 5,
      credit: 1.6,
      shortDelta: -0.25,
      shortDeltaSource: 'vendor',
    });
  });

  it('orders shorts by |abs(delta) − target|, ties to the lower strike', () => {
    const sel = pick([
      put({ strike: 489, ...q(0.4) }),
      put({ strike: 490, ...q(0.42) }),
      put({ strike: 494, ...q(2.0), delta: -0.24 }),
      put({ strike: 495, ...q(2.1), delta: -0.26 }),
    ]);
    expect(sel.candidate?.shortStrike).toBe(494);
    expect(sel.candidate?.longStrike).toBe(489);
    // Without the tie, the closer delta wins even at the higher strike.
    const closer = pick([
      put({ strike: 489, ...q(0.4) }),
      put({ strike: 490, ...q(0.42) }),
      put({ strike: 494, ...q(2.0), delta: -0.235 }),
      put({ strike: 495, ...q(2.1), delta: -0.26 }),
    ]);
    expect(closer.candidate?.shortStrike).toBe(495);
  });

  it('keeps abs(delta) within [min, max] with a 1e-9 tolerance', () => {
    const only = (delta: number) =>
      pick([put({ strike: 490, ...q(0.42) }), put({ strike: 495, ...q(2.02), delta })]);
    expect(only(-0.3 - 5e-10).candidate?.shortStrike).toBe(495);
    expect(only(-0.2 + 5e-10).candidate?.shortStrike).toBe(495);
    expect(only(-0.3000001).reason).toBe('no_spread');
    expect(only(-0.19).reason).toBe('no_spread');
    expect(only(0.25).candidate?.shortDelta).toBe(0.25); // abs() of a mis-signed vendor delta
  });

  it('requires a valid quote, bid > 0 and strike below the underlying for the short', () => {
    const long = put({ strike: 490, ...q(0.42) });
    expect(pick([long, put({ strike: 495, bid: 0, ask: 2, delta: -0.25 })]).reason).toBe('no_spread');
    expect(pick([long, put({ strike: 495, bid: 2.1, ask: 2.0, delta: -0.25 })]).reason).toBe('no_spread');
    expect(pick([long, put({ strike: 495, bid: null, ask: null, delta: -0.25 })]).reason).toBe('no_spread');
    const stale = put({ strike: 495, ...q(2.02), delta: -0.25, quoteTimeMs: NOW_MS - 121_000 });
    expect(pick([long, stale]).reason).toBe('no_spread');
    const fresh = put({ strike: 495, ...q(2.02), delta: -0.25, quoteTimeMs: NOW_MS - 120_000 });
    expect(pick([long, fresh]).candidate?.shortStrike).toBe(495);
    expect(pick([long, put({ strike: 495, ...q(2.02), delta: -0.25 })], spyOnly(), 495).reason).toBe(
      'no_spread',
    );
    expect(
      pick([long, put({ strike: 495, ...q(2.02), delta: -0.25 })], spyOnly(), 495.01).candidate,
    ).not.toBeNull();
  });

  it('accepts a long leg with bid 0 and skips long strikes without a valid quote', () => {
    const sel = pick([
      put({ strike: 489, bid: 0, ask: 0.04 }),
      put({ strike: 490, bid: 0.5, ask: 0.4 }),
      put({ strike: 495, ...q(1.9), delta: -0.25 }),
    ]);
    expect(sel.candidate).toMatchObject({ longStrike: 489, width: 6, credit: 1.88 });
  });

  it('fails a short whose long would sit beyond max_width_multiple × width, then tries the next short', () => {
    const sel = pick([
      put({ strike: 484, ...q(0.3) }),
      put({ strike: 485, ...q(0.32) }), // 496 − 485 = 11 > 10
      put({ strike: 490, ...q(0.42) }),
      put({ strike: 495, ...q(2.02), delta: -0.27 }),
      put({ strike: 496, ...q(2.3), delta: -0.25 }),
    ]);
    // 496 tried first (delta exact) but its long 491 doesn't exist; the highest <= 491 is 490 (W 6, fine).
    expect(sel.candidate).toMatchObject({ shortStrike: 496, longStrike: 490, width: 6 });
    const far = pick([put({ strike: 485, ...q(0.32) }), put({ strike: 495.5, ...q(2.3), delta: -0.25 })]);
    expect(far.reason).toBe('no_spread');
    const attempts = selectEntries(
      snapshot({
        SPY: {
          price: 512,
          puts: [put({ strike: 485, ...q(0.32) }), put({ strike: 495.5, ...q(2.3), delta: -0.25 })],
        },
      }),
      spyOnly(),
      NOW_MS,
    )[0]!.expiries[0]!.attempts;
    expect(attempts[0]).toMatchObject({ outcome: 'width_exceeded', longStrike: 485, width: 10.5 });
    expect(pick([put({ strike: 495, ...q(2.02), delta: -0.25 })]).expiries[0]!.attempts[0]!.outcome).toBe(
      'no_long_leg',
    );
  });

  it('checks liquidity of both legs: spread within max(abs, fraction × mid), open interest >= min', () => {
    const base = (short: Partial<Parameters<typeof put>[0]>, long: Partial<Parameters<typeof put>[0]> = {}) =>
      pick([
        put({ strike: 490, ...q(0.42), ...long }),
        put({ strike: 495, ...q(2.02), delta: -0.25, ...short }),
      ]);
    // Short mid 2.02: allowed spread max(0.05, 0.202).
    expect(base({ bid: 1.92, ask: 2.12 }).candidate?.credit).toBe(1.6);
    expect(base({ bid: 1.91, ask: 2.13 }).expiries[0]!.attempts[0]!.outcome).toBe('short_illiquid');
    // Long mid 0.42: allowed max(0.05, 0.042) = 0.05.
    expect(base({}, { bid: 0.395, ask: 0.445 }).candidate).not.toBeNull();
    expect(base({}, { bid: 0.39, ask: 0.45 }).expiries[0]!.attempts[0]!.outcome).toBe('long_illiquid');
    expect(base({ oi: 100 }).candidate).not.toBeNull();
    expect(base({ oi: 99 }).expiries[0]!.attempts[0]!.outcome).toBe('short_illiquid');
    expect(base({}, { oi: null }).expiries[0]!.attempts[0]!.outcome).toBe('long_illiquid');
  });

  it('does not look for another long when the long fails liquidity', () => {
    const sel = pick([
      put({ strike: 489, ...q(0.4) }),
      put({ strike: 490, ...q(0.42), oi: 5 }),
      put({ strike: 495, ...q(2.02), delta: -0.25 }),
    ]);
    expect(sel.reason).toBe('no_spread');
  });

  it('rounds the limit credit down to the tick, never losing a tick to float noise', () => {
    // mid credit 1.605 → 1.60; 0.3 + 1.3 style sums that land at 1.5999999999 stay 1.60.
    expect(
      pick([
        put({ strike: 490, bid: 0.41, ask: 0.43 }),
        put({ strike: 495, bid: 2.0, ask: 2.05, delta: -0.25 }),
      ]).candidate?.credit,
    ).toBe(1.6);
    // These mids give 1.5999999999999996 in binary floating point: still 1.60, not 1.59.
    expect((2.01 + 2.03) / 2 - (0.41 + 0.43) / 2 < 1.6).toBe(true);
    expect(
      pick([
        put({ strike: 490, bid: 0.41, ask: 0.43 }),
        put({ strike: 495, bid: 2.01, ask: 2.03, delta: -0.25 }),
      ]).candidate?.credit,
    ).toBe(1.6);
    expect(
      pick([
        put({ strike: 490, bid: 0.6, ask: 0.62 }),
        put({ strike: 495, bid: 2.3, ask: 2.32, delta: -0.25 }),
      ]).candidate?.credit,
    ).toBe(1.7);
    const tick5 = spyOnly({ universe: [{ underlying: 'SPY', width: 5, tick: 0.05, dividend_yield: 0.013 }] });
    expect(pick(spyChain(), tick5).candidate?.credit).toBe(1.6);
    expect(
      pick([put({ strike: 490, ...q(0.42) }), put({ strike: 495, ...q(2.06), delta: -0.25 })], tick5)
        .candidate?.credit,
    ).toBe(1.6);
  });

  it('uses the natural credit (bid short − ask long) when limit_price is natural', () => {
    const natural = spyOnly({ entry: { limit_price: 'natural' } });
    expect(pick(spyChain(), natural).candidate).toMatchObject({
      credit: 1.58,
      naturalCredit: expect.closeTo(1.58, 9),
    });
  });

  it('requires C >= max(absolute, fraction × W) with a 1e-9 tolerance and C < W', () => {
    const credit = (shortMid: number, scenario = spyOnly()) =>
      pick([put({ strike: 490, ...q(0.42) }), put({ strike: 495, ...q(shortMid), delta: -0.25 })], scenario);
    expect(credit(1.92).candidate?.credit).toBe(1.5);
    expect(credit(1.91).reason).toBe('no_spread');
    const abs = spyOnly({ entry: { min_credit: { fraction_of_width: 0, absolute: 1.7 } } });
    expect(credit(2.12, abs).candidate?.credit).toBe(1.7);
    expect(credit(2.11, abs).reason).toBe('no_spread');
    const noFloor = spyOnly({
      entry: {
        min_credit: { fraction_of_width: 0, absolute: 0 },
        liquidity: { max_leg_spread_fraction_of_mid: 1 },
      },
    });
    const atWidth = pick(
      [put({ strike: 490, ...q(0.5) }), put({ strike: 495, ...q(5.5), delta: -0.25 })],
      noFloor,
    );
    expect(atWidth.expiries[0]!.attempts[0]!.outcome).toBe('credit_not_below_width');
    expect(
      pick([put({ strike: 490, ...q(0.5) }), put({ strike: 495, ...q(5.49), delta: -0.25 })], noFloor)
        .candidate?.credit,
    ).toBe(4.99);
  });

  it('orders expiries by |DTE − target|, ties to the later expiry; the first that yields wins', () => {
    const chainFor = (expiry: string, shortMid = 2.02) => [
      put({ strike: 490, ...q(0.42), expiry }),
      put({ strike: 495, ...q(shortMid), delta: -0.25, expiry }),
    ];
    // 2026-05-15 is DTE 35, 2026-05-21 is DTE 41: both 3 from 38.
    const both = pick([...chainFor('2026-05-15'), ...chainFor('2026-05-21')]);
    expect(both.candidate?.expiry).toBe('2026-05-21');
    const laterFails = pick([...chainFor('2026-05-15'), ...chainFor('2026-05-21', 1.0)]);
    expect(laterFails.candidate?.expiry).toBe('2026-05-15');
    expect(laterFails.expiries.map((e) => e.expiry)).toEqual(['2026-05-21', '2026-05-15']);
    const closer = pick([...chainFor('2026-05-15'), ...chainFor('2026-05-18')]);
    expect(closer.candidate?.expiry).toBe('2026-05-18');
    expect(pick(chainFor('2026-05-08')).reason).toBe('no_expiry_in_window'); // DTE 28
    expect(pick(chainFor('2026-05-26')).reason).toBe('no_expiry_in_window'); // DTE 46
    expect(pick(chainFor('2026-05-25')).candidate?.expiry).toBe('2026-05-25'); // DTE 45
  });

  it('falls back from vendor delta to BSM delta from vendor IV, then from IV solved from mid', () => {
    const S = 512.34;
    const K = 495;
    const T = yearFractionToExpiry(NOW_MS, EXPIRY);
    const sigma = 0.2;
    const price = bsmPrice({ type: 'put', S, K, T, r: 0.04, q: 0.013, sigma });
    const expected = bsmGreeks({ type: 'put', S, K, T, r: 0.04, q: 0.013, sigma }).delta;
    expect(Math.abs(expected)).toBeGreaterThan(0.2);
    const scenario = spyOnly({
      entry: {
        short_delta: { min: 0.1, max: 0.4, target: Math.abs(expected) },
        min_credit: { fraction_of_width: 0, absolute: 0.01 },
      },
    });
    const mk = (over: Partial<Parameters<typeof put>[0]>) =>
      pick(
        [put({ strike: 490, ...q(0.42) }), put({ strike: K, bid: price - 0.01, ask: price + 0.01, ...over })],
        scenario,
        S,
      );
    const fromIv = mk({ iv: sigma });
    expect(fromIv.candidate?.shortDeltaSource).toBe('vendor_iv');
    expect(fromIv.candidate?.shortDelta).toBeCloseTo(expected, 12);
    const fromMid = mk({});
    expect(fromMid.candidate?.shortDeltaSource).toBe('solved_iv');
    expect(fromMid.candidate?.shortDelta).toBeCloseTo(expected, 6);
    expect(mk({ delta: -0.33, iv: sigma }).candidate?.shortDelta).toBe(-0.33);
    expect(mk({ delta: Number.NaN, iv: sigma }).candidate?.shortDeltaSource).toBe('vendor_iv');
    // A mid below intrinsic has no IV, hence no delta: not eligible.
    expect(mk({ bid: 0.01, ask: 0.02, iv: null }).expiries[0]?.eligibleShorts).toBe(0);
  });

  it('explains missing data per underlying and keeps only the configured roots', () => {
    const scenario = makeScenario();
    const sels = selectEntries(snapshot({ SPY: { price: 512, puts: spyChain() } }), scenario, NOW_MS);
    expect(sels.map((s) => [s.underlying, s.reason])).toEqual([
      ['SPY', null],
      ['QQQ', 'no_underlying_price'],
      ['IWM', 'no_underlying_price'],
    ]);
    const noChain = snapshot({ QQQ: { price: 440, puts: [] } });
    delete (noChain.chains as Record<string, unknown>).QQQ;
    expect(selectEntries(noChain, scenario, NOW_MS)[1]!.reason).toBe('no_chain');
    const spx = makeScenario({
      universe: [
        {
          underlying: 'SPX',
          vendor_ticker: 'I:SPX',
          option_roots: ['SPXW'],
          width: 25,
          tick: 0.05,
          dividend_yield: 0.013,
        },
      ],
    });
    const chain = [
      put({ strike: 4975, ...q(3.5), underlying: 'SPX', root: 'SPXW' }),
      put({ strike: 5000, ...q(12.5), delta: -0.25, underlying: 'SPX', root: 'SPX' }),
      put({ strike: 5000, ...q(11), delta: -0.24, underlying: 'SPX', root: 'SPXW' }),
    ];
    const sel = selectEntries(snapshot({ SPX: { price: 5120, puts: chain } }), spx, NOW_MS)[0]!;
    expect(sel.candidate).toMatchObject({
      shortStrike: 5000,
      longStrike: 4975,
      credit: 7.5,
      shortTicker: 'O:SPXW260515P05000000',
    });
    expect(describeSelections([sel])).toContain('SPX: 2026-05-15 5000/4975P credit 7.5');
  });
});

describe('sizing and gates', () => {
  const s = makeScenario();
  const c = { underlying: 'SPY', expiry: EXPIRY, shortStrike: 495, width: 5, credit: 1.6 };
  const session = {
    openMs: Date.parse('2026-04-10T13:30:00Z'),
    closeMs: Date.parse('2026-04-10T20:00:00Z'),
    earlyClose: false,
  };
  const ctx = { scenario: s, open: [], nowMs: NOW_MS, session, vix: 17, level: 'ok' as const };
  const position = (over: Record<string, unknown>) =>
    ({
      underlying: 'QQQ',
      expiry: '2026-05-22',
      shortStrike: 430,
      width: 5,
      entryCredit: 1.5,
      quantity: 1,
      ...over,
    }) as never;

  it('sizes by risk per trade, capped at max_contracts', () => {
    expect(sizeQuantity(s, 5, 1.6)).toBe(5); // 2000 / 340 = 5.88
    expect(sizeQuantity(s, 5, 1)).toBe(5); // 2000 / 400 = 5 exactly
    expect(sizeQuantity(s, 3, 1.2)).toBe(10); // 11.1 capped
    expect(sizeQuantity(s, 25, 5)).toBe(1);
    expect(sizeQuantity(s, 50, 5)).toBe(0);
  });

  it('passes a clean candidate with its quantity', () => {
    expect(evaluateGates(c, ctx)).toEqual({ ok: true, quantity: 5 });
  });

  it('applies the gates in the specified order', () => {
    const everything = {
      ...ctx,
      nowMs: Date.parse('2026-04-10T13:45:00Z'),
      vix: 40,
      level: 'halted' as const,
      open: [position({ underlying: 'SPY', expiry: EXPIRY, shortStrike: 495 })],
    };
    expect(evaluateGates(c, everything)).toMatchObject({ ok: false, reason: 'session_window' });
    expect(evaluateGates(c, { ...everything, nowMs: NOW_MS })).toMatchObject({ reason: 'vix' });
    expect(evaluateGates(c, { ...everything, nowMs: NOW_MS, vix: 17 })).toMatchObject({ reason: 'breaker' });
    expect(evaluateGates(c, { ...everything, nowMs: NOW_MS, vix: 17, level: 'warn' })).toMatchObject({
      reason: 'duplicate',
    });
  });

  it('session window is [open + 30 min, close − 30 min)', () => {
    const at = (iso: string) => evaluateGates(c, { ...ctx, nowMs: Date.parse(iso) });
    expect(at('2026-04-10T13:59:59.999Z')).toMatchObject({ reason: 'session_window' });
    expect(at('2026-04-10T14:00:00.000Z').ok).toBe(true);
    expect(at('2026-04-10T19:29:59.999Z').ok).toBe(true);
    expect(at('2026-04-10T19:30:00.000Z')).toMatchObject({ reason: 'session_window' });
    expect(evaluateGates(c, { ...ctx, session: null })).toMatchObject({ reason: 'session_window' });
  });

  it('vix within [min, max]; missing vix blocks', () => {
    expect(evaluateGates(c, { ...ctx, vix: 12 }).ok).toBe(true);
    expect(evaluateGates(c, { ...ctx, vix: 30 }).ok).toBe(true);
    expect(evaluateGates(c, { ...ctx, vix: 11.99 })).toMatchObject({ reason: 'vix' });
    expect(evaluateGates(c, { ...ctx, vix: 30.01 })).toMatchObject({ reason: 'vix' });
    expect(evaluateGates(c, { ...ctx, vix: null })).toMatchObject({ reason: 'vix' });
  });

  it('breaker blocks at reduce_only and above, not at warn', () => {
    expect(evaluateGates(c, { ...ctx, level: 'warn' }).ok).toBe(true);
    expect(evaluateGates(c, { ...ctx, level: 'reduce_only' })).toMatchObject({ reason: 'breaker' });
  });

  it('duplicate: same underlying, expiry and short strike', () => {
    expect(
      evaluateGates(c, { ...ctx, open: [position({ underlying: 'SPY', expiry: EXPIRY, shortStrike: 495 })] }),
    ).toMatchObject({ reason: 'duplicate' });
    expect(
      evaluateGates(c, { ...ctx, open: [position({ underlying: 'SPY', expiry: EXPIRY, shortStrike: 494 })] })
        .ok,
    ).toBe(true);
  });

  it('limits: open positions, per underlying, per expiry across underlyings', () => {
    const six = Array.from({ length: 6 }, (_, i) =>
      position({ underlying: `X${i}`, expiry: `2026-06-0${i + 1}` }),
    );
    expect(evaluateGates(c, { ...ctx, open: six })).toMatchObject({ reason: 'max_open_positions' });
    expect(evaluateGates(c, { ...ctx, open: six.slice(0, 5) }).ok).toBe(true);
    const twoSpy = [
      position({ underlying: 'SPY', shortStrike: 480 }),
      position({ underlying: 'SPY', shortStrike: 470 }),
    ];
    expect(evaluateGates(c, { ...ctx, open: twoSpy })).toMatchObject({ reason: 'max_per_underlying' });
    const threeSameExpiry = ['QQQ', 'IWM', 'DIA'].map((u) => position({ underlying: u, expiry: EXPIRY }));
    expect(evaluateGates(c, { ...ctx, open: threeSameExpiry })).toMatchObject({ reason: 'max_per_expiry' });
    expect(evaluateGates(c, { ...ctx, open: threeSameExpiry.slice(0, 2) }).ok).toBe(true);
  });

  it('size: quantity below 1 blocks', () => {
    expect(evaluateGates({ ...c, width: 50, credit: 5 }, ctx)).toEqual({
      ok: false,
      reason: 'size',
      quantity: 0,
    });
  });

  it('portfolio risk: Σ (W − C) × 100 × qty including the new one <= fraction × starting equity', () => {
    // Existing 38,300 of risk + new 5 × 340 = 40,000 exactly: passes at the limit.
    const existing = [position({ width: 50, entryCredit: 11.7, quantity: 10 })];
    expect(evaluateGates(c, { ...ctx, open: existing }).ok).toBe(true);
    const over = [position({ width: 50, entryCredit: 11.69, quantity: 10 })];
    expect(evaluateGates(c, { ...ctx, open: over })).toMatchObject({ reason: 'portfolio_risk', quantity: 5 });
  });
});

describe('selection invariants (property)', () => {
  const chainArb = fc.array(
    fc.record({
      strike: fc.integer({ min: 470, max: 520 }),
      mid: fc.double({ min: 0.01, max: 12, noNaN: true }),
      halfSpread: fc.double({ min: 0, max: 0.2, noNaN: true }),
      delta: fc.option(fc.double({ min: -0.6, max: -0.01, noNaN: true }), { nil: null }),
      oi: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
    }),
    { minLength: 2, maxLength: 40 },
  );
  const scenarioArb = fc.record({
    width: fc.constantFrom(1, 2, 3, 5, 10),
    tick: fc.constantFrom(0.01, 0.05, 0.1),
    fraction: fc.double({ min: 0, max: 0.5, noNaN: true }),
    absolute: fc.double({ min: 0, max: 1, noNaN: true }),
    limit: fc.constantFrom('mid' as const, 'natural' as const),
    maxContracts: fc.integer({ min: 1, max: 20 }),
  });

  it('never yields W <= C, long >= short, a credit below the floor, or a quantity above the maximum', () => {
    fc.assert(
      fc.property(chainArb, scenarioArb, (rows, p) => {
        const seen = new Set<number>();
        const puts = rows
          .filter((r) => !seen.has(r.strike) && seen.add(r.strike))
          .map((r) =>
            put({
              strike: r.strike,
              bid: Math.max(0, Math.round((r.mid - r.halfSpread) * 100) / 100),
              ask: Math.round((r.mid + r.halfSpread) * 100) / 100 || 0.01,
              delta: r.delta,
              oi: r.oi,
            }),
          );
        const scenario = spyOnly({
          universe: [{ underlying: 'SPY', width: p.width, tick: p.tick, dividend_yield: 0.01 }],
          entry: {
            min_credit: { fraction_of_width: p.fraction, absolute: p.absolute },
            limit_price: p.limit,
            short_delta: { min: 0.05, max: 0.5, target: 0.25 },
            liquidity: {
              max_leg_spread_abs: 0.2,
              max_leg_spread_fraction_of_mid: 0.2,
              min_open_interest: 10,
            },
          },
          sizing: { max_contracts: p.maxContracts },
        });
        const sel = selectEntries(snapshot({ SPY: { price: 512, puts } }), scenario, NOW_MS)[0]!;
        const cand = sel.candidate;
        if (!cand) return;
        expect(cand.longStrike).toBeLessThan(cand.shortStrike);
        expect(cand.width).toBeGreaterThan(cand.credit);
        expect(cand.credit).toBeGreaterThan(0);
        expect(cand.credit).toBeGreaterThanOrEqual(Math.max(p.absolute, p.fraction * cand.width) - 1e-9);
        expect(cand.width).toBeLessThanOrEqual(2 * p.width + 1e-9);
        const qty = sizeQuantity(scenario, cand.width, cand.credit);
        expect(qty).toBeLessThanOrEqual(p.maxContracts);
        expect(Number.isInteger(qty)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
