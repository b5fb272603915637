import { bsmPrice, isTradingDay, yearFractionToExpiry } from '@aegis/strategy-core';
import { describe, expect, it } from 'vitest';
import { createSyntheticMarket, listedExpiries } from '../src/testing/index.js';
import { T0 } from './helpers.js';

const market = createSyntheticMarket({ seed: 42 });
type Item = {
  details: { strike_price: number; expiration_date: string; contract_type: 'put' | 'call' };
  greeks?: { delta: number };
  implied_volatility?: number;
  last_quote?: { bid: number; ask: number };
  open_interest?: number;
  underlying_asset: { price?: number; value?: number };
};

describe('synthetic market', () => {
  it('depends only on seed and instant: a fresh instance, queried in another order, agrees', () => {
    const times = [T0 + 7 * 86_400_000, T0, T0 + 90 * 60_000, T0 - 400 * 86_400_000];
    const a = times.map((t) => market.levels(t));
    const fresh = createSyntheticMarket({ seed: 42 });
    const b = [...times]
      .reverse()
      .map((t) => fresh.levels(t))
      .reverse();
    expect(b).toEqual(a);
    const c = market.listing('SPY', T0)[1234]!;
    expect(fresh.optionResult('SPY', c, T0)).toEqual(market.optionResult('SPY', c, T0));
    expect(createSyntheticMarket({ seed: 43 }).levels(T0)).not.toEqual(market.levels(T0));
  });

  it('keeps realistic levels and a VIX moving against the market', () => {
    const spy: number[] = [];
    const vix: number[] = [];
    for (let d = 0; d < 250; d++) {
      const lv = market.levels(T0 + d * 86_400_000);
      expect(lv.SPY).toBeGreaterThan(300);
      expect(lv.SPY).toBeLessThan(900);
      expect(lv.SPX / lv.SPY).toBeGreaterThan(9.9);
      expect(lv.SPX / lv.SPY).toBeLessThan(10.2);
      expect(lv.VIX).toBeGreaterThanOrEqual(9);
      expect(lv.VIX).toBeLessThanOrEqual(80);
      spy.push(lv.SPY);
      vix.push(lv.VIX);
    }
    const ret = (xs: number[]) => xs.slice(1).map((x, i) => Math.log(x / xs[i]!));
    const [rs, rv] = [ret(spy), ret(vix)];
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const [ms, mv] = [mean(rs), mean(rv)];
    const cov = mean(rs.map((x, i) => (x - ms) * (rv[i]! - mv)));
    const corr = cov / Math.sqrt(mean(rs.map((x) => (x - ms) ** 2)) * mean(rv.map((x) => (x - mv) ** 2)));
    expect(corr).toBeLessThan(-0.4);
  });

  it('lists about 8,000 SPY contracts on $1 strikes near the money, SPX on 5 points with SPX and SPXW roots', () => {
    const spy = market.listing('SPY', T0);
    expect(spy.length).toBeGreaterThan(7_000);
    expect(spy.length).toBeLessThan(9_500);
    const spot = market.levels(T0).SPY;
    const near = spy.filter((c) => Math.abs(c.strike - spot) < 10).map((c) => c.strike);
    expect(near.every((k) => Number.isInteger(k))).toBe(true);
    expect(new Set(near).size).toBeGreaterThanOrEqual(19);
    const spx = market.listing('SPX', T0);
    expect(spx.every((c) => c.strike % 5 === 0)).toBe(true);
    expect(new Set(spx.map((c) => c.root))).toEqual(new Set(['SPX', 'SPXW']));
    // AM-settled SPX only on monthly/LEAPS cycles.
    expect(
      spx.filter((c) => c.root === 'SPX').every((c) => c.cycle === 'monthly' || c.cycle === 'leaps'),
    ).toBe(true);
    expect(spy.map((c) => c.ticker)).toEqual([...spy.map((c) => c.ticker)].sort());
  });

  it('lists dailies, weeklies and monthlies; holidays move expiries to the previous trading day', () => {
    const spy = listedExpiries(
      { root: 'SPY', dailies: 8, weeklies: 8, monthlies: 12, quarterlies: 4, monthEnds: 0, leaps: 2 },
      '2026-04-01',
    );
    // Good Friday 2026-04-03: the weekly moves to Thursday 04-02.
    expect(spy.get('2026-04-02')).toBe('weekly');
    expect(spy.has('2026-04-03')).toBe(false);
    // Juneteenth 2026-06-19 is the third Friday: the monthly moves to 06-18.
    expect(spy.get('2026-06-18')).toBe('monthly');
    expect([...spy.keys()].every((d) => isTradingDay(d))).toBe(true);
    const dailies = [...spy].filter(([, c]) => c === 'daily').map(([d]) => d);
    expect(dailies.slice(0, 3)).toEqual(['2026-04-01', '2026-04-06', '2026-04-07']);
    const iwm = listedExpiries(
      { root: 'IWM', dailies: 0, weeklies: 6, monthlies: 12, quarterlies: 0, monthEnds: 0, leaps: 2 },
      '2026-04-01',
    );
    expect([...iwm.values()].includes('daily')).toBe(false);
  });

  it('prices consistently with BSM: the vendor IV reprices the mid, with a put skew and widening spreads', () => {
    const S = market.levels(T0).SPY;
    const expiry = '2026-05-15';
    const puts = market
      .listing('SPY', T0)
      .filter((c) => c.type === 'put' && c.expiry === expiry)
      .map((c) => market.optionResult('SPY', c, T0) as Item)
      .filter((r) => r.implied_volatility !== undefined && r.last_quote !== undefined);
    expect(puts.length).toBeGreaterThan(100);
    const T = yearFractionToExpiry(T0, expiry);
    for (const r of puts) {
      const { bid, ask } = r.last_quote!;
      const model = bsmPrice({
        type: 'put',
        S,
        K: r.details.strike_price,
        T,
        r: 0.04,
        q: 0.013,
        sigma: r.implied_volatility!,
      });
      expect(model).toBeGreaterThanOrEqual(bid - 1e-9);
      expect(model).toBeLessThanOrEqual(ask + 1e-9);
      expect(r.underlying_asset.price).toBe(S);
    }
    const byStrike = (k: number) =>
      puts.reduce((best, r) =>
        Math.abs(r.details.strike_price - k) < Math.abs(best.details.strike_price - k) ? r : best,
      );
    const otm = byStrike(S * 0.85);
    const atm = byStrike(S);
    expect(otm.implied_volatility!).toBeGreaterThan(atm.implied_volatility! + 0.02);
    const rel = (r: Item) =>
      (r.last_quote!.ask - r.last_quote!.bid) / ((r.last_quote!.ask + r.last_quote!.bid) / 2);
    expect(rel(otm)).toBeGreaterThan(rel(atm));
    expect(Math.abs(atm.greeks!.delta)).toBeGreaterThan(0.4);
    expect(Math.abs(otm.greeks!.delta)).toBeLessThan(0.15);
  });

  it('leaves some contracts without greeks/IV, quotes or open interest, and deep ITM ones without greeks', () => {
    const all = market.listing('SPY', T0).map((c) => market.optionResult('SPY', c, T0) as Item);
    const noGreeks = all.filter((r) => r.greeks === undefined);
    expect(noGreeks.length).toBeGreaterThan(50);
    expect(noGreeks.every((r) => r.implied_volatility === undefined)).toBe(true);
    expect(all.filter((r) => r.last_quote === undefined).length).toBeGreaterThan(5);
    expect(all.filter((r) => r.open_interest === undefined).length).toBeGreaterThan(20);
    const spx = market
      .listing('SPX', T0)
      .slice(0, 5)
      .map((c) => market.optionResult('SPX', c, T0) as Item);
    expect(
      spx.every(
        (r) => r.underlying_asset.value === market.levels(T0).SPX && r.underlying_asset.price === undefined,
      ),
    ).toBe(true);
  });

  it('answers unknown tickers with NOT_FOUND items', () => {
    expect(market.universalItem('NOPE', T0)).toEqual({
      ticker: 'NOPE',
      error: 'NOT_FOUND',
      message: 'Ticker not found.',
    });
    expect(market.universalItem('O:SPY260515P00001000', T0)).toMatchObject({ error: 'NOT_FOUND' });
    expect(market.indexItem('I:VIX', T0)).toMatchObject({ type: 'indices', value: market.levels(T0).VIX });
  });
});
