import { describe, expect, it } from 'vitest';
import { initialState, isTradingDay, type RunConfig, runScan, selectEntries } from '../src/index.js';
import {
  fixedClock,
  makeRunConfig,
  makeSyntheticSnapshot,
  shippedLikeScenarios,
} from '../src/testing/index.js';

const T0 = Date.parse('2026-04-10T15:30:00Z');
const options = {
  seed: 7,
  asOfMs: T0,
  underlyings: ['SPY', 'QQQ', 'IWM', 'SPX'],
  contractsPerUnderlying: 1500,
  expirySchedule: 'daily' as const,
  expiries: 20,
  firstExpiryDays: 21,
};

describe('makeSyntheticSnapshot', () => {
  it('is deterministic, sized exactly and shaped like a real put-chain snapshot', () => {
    const a = makeSyntheticSnapshot(options);
    expect(makeSyntheticSnapshot(options)).toEqual(a);
    expect(makeSyntheticSnapshot({ ...options, seed: 8 })).not.toEqual(a);
    expect(Object.keys(a.chains)).toEqual(['SPY', 'QQQ', 'IWM', 'SPX']);
    for (const chain of Object.values(a.chains)) expect(chain).toHaveLength(1500);
    const spx = a.chains.SPX!;
    expect(new Set(spx.map((c) => c.root))).toEqual(new Set(['SPXW']));
    expect(spx.every((c) => c.strike % 5 === 0)).toBe(true);
    expect(a.chains.SPY!.every((c) => Number.isInteger(c.strike))).toBe(true);
    const expiries = new Set(a.chains.SPY!.map((c) => c.expiry));
    expect(expiries.size).toBe(20);
    for (const e of expiries) expect(isTradingDay(e)).toBe(true);
    const all = Object.values(a.chains).flat();
    const share = (f: (c: (typeof all)[number]) => boolean) => all.filter(f).length / all.length;
    expect(share((c) => c.vendorDelta === null)).toBeGreaterThan(0.08);
    expect(share((c) => c.vendorDelta === null && c.vendorIv === null)).toBeGreaterThan(0.03);
    expect(share((c) => c.bid === null)).toBeGreaterThan(0.005);
    expect(share((c) => c.quoteTimeMs === null)).toBeGreaterThan(0.02);
    // A put skew: lower strikes carry higher IV within an expiry.
    const first = a.chains.SPY!.filter((c) => c.expiry === [...expiries][0] && c.vendorIv !== null);
    expect(first[0]!.vendorIv!).toBeGreaterThan(first.at(-1)!.vendorIv!);
    expect(a.chains.SPY![0]!.ticker).toMatch(/^O:SPY\d{6}P\d{8}$/);
  });

  it('copies requested leg tickers into legs', () => {
    const a = makeSyntheticSnapshot(options);
    const ticker = a.chains.QQQ![10]!.ticker;
    expect(makeSyntheticSnapshot({ ...options, legTickers: [ticker] }).legs).toEqual({
      [ticker]: a.chains.QQQ![10],
    });
  });
});

describe('shared per-scan indexes change no result', () => {
  it('runScan picks exactly what selectEntries picks scenario by scenario', () => {
    const shipped = makeRunConfig(shippedLikeScenarios());
    const run: RunConfig = {
      ...shipped,
      scenarios: shipped.scenarios.map((s) => ({
        ...s,
        entry: { ...s.entry, min_credit: { fraction_of_width: 0.05, absolute: 0.05 } },
        limits: { ...s.limits, max_open_positions: 50, max_per_underlying: 50, max_per_expiry: 50 },
      })),
    };
    const snapshot = makeSyntheticSnapshot(options);
    const { outcome } = runScan(snapshot, initialState(run), run, T0);
    const fromScan = outcome.decisions.entries.map((e) => [
      e.scenario,
      e.underlying,
      e.expiry,
      e.shortStrike,
      e.longStrike,
      e.credit,
    ]);
    const alone = run.scenarios.flatMap((s) =>
      selectEntries(snapshot, s, T0)
        .filter((x) => x.candidate)
        .map((x) => {
          const c = x.candidate!;
          return [s.id, c.underlying, c.expiry, c.shortStrike, c.longStrike, c.credit];
        }),
    );
    expect(fromScan.length).toBeGreaterThan(20);
    expect(fromScan).toEqual(alone);
  });
});

describe('fixedClock', () => {
  it('moves only when told', () => {
    const clock = fixedClock('2026-04-10T15:30:00.000Z');
    expect(clock.nowMs()).toBe(T0);
    clock.advanceMs(45_000);
    expect(clock.nowMs()).toBe(T0 + 45_000);
    clock.set(1);
    expect(clock.nowMs()).toBe(1);
    expect(() => fixedClock('not a time')).toThrow(/not an instant/);
  });
});
