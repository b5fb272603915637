import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bsmGreeks, bsmPrice, impliedVolatility, normCdf, normPdf } from './index.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('normCdf', () => {
  it.each([
    [0, 0.5],
    [-1, 0.15865525393145705],
    [1.96, 0.9750021048517795],
    [-1.96, 0.024997895148220435],
    [-3, 0.0013498980316300946],
    [-5, 2.866515718791939e-7],
    [-10, 7.619853024160525e-24],
    [-20, 2.7536241186062337e-89],
    [-0.5, 0.3085375387259869],
  ])('Φ(%d) = %d to ~1e-15 relative', (x, expected) => {
    expect(rel(normCdf(x), expected)).toBeLessThan(2e-15);
  });

  it('is symmetric, monotone, and underflows cleanly', () => {
    for (let x = -8; x <= 8; x += 0.013) {
      expect(Math.abs(normCdf(x) + normCdf(-x) - 1)).toBeLessThan(2e-16);
      expect(normCdf(x + 0.013)).toBeGreaterThanOrEqual(normCdf(x));
    }
    expect(normCdf(-40)).toBe(0);
    expect(normCdf(40)).toBe(1);
    expect(Number.isNaN(normCdf(Number.NaN))).toBe(true);
  });

  it('has the density as derivative', () => {
    for (const x of [-4, -1.3, -0.2, 0.7, 2.5]) {
      const h = 1e-5;
      expect((normCdf(x + h) - normCdf(x - h)) / (2 * h)).toBeCloseTo(normPdf(x), 9);
    }
  });
});

describe('bsmPrice / bsmGreeks', () => {
  const base = { S: 100, K: 100, T: 1, r: 0.05, q: 0, sigma: 0.2 };

  it('matches textbook values', () => {
    expect(bsmPrice({ type: 'call', ...base })).toBeCloseTo(10.450583572185565, 12);
    expect(bsmPrice({ type: 'put', ...base })).toBeCloseTo(5.573526022256971, 12);
  });

  it('greeks agree with finite differences (vega per 1.00 vol, theta per year)', () => {
    const input = { type: 'put' as const, S: 512, K: 495, T: 38 / 365, r: 0.04, q: 0.013, sigma: 0.19 };
    const g = bsmGreeks(input);
    const h = 1e-4;
    const p = (o: Partial<typeof input>) => bsmPrice({ ...input, ...o });
    expect(g.delta).toBeCloseTo((p({ S: input.S + h }) - p({ S: input.S - h })) / (2 * h), 7);
    expect(g.gamma).toBeCloseTo((p({ S: input.S + 0.01 }) - 2 * p({}) + p({ S: input.S - 0.01 })) / 1e-4, 6);
    expect(g.vega).toBeCloseTo((p({ sigma: input.sigma + h }) - p({ sigma: input.sigma - h })) / (2 * h), 5);
    expect(g.theta).toBeCloseTo(-(p({ T: input.T + h }) - p({ T: input.T - h })) / (2 * h), 4);
    expect(g.delta).toBeLessThan(0);
  });

  it('prices the forward intrinsic with no time or no vol', () => {
    expect(bsmPrice({ type: 'put', S: 90, K: 100, T: 0, r: 0.05, q: 0, sigma: 0.2 })).toBe(10);
    expect(bsmPrice({ type: 'call', S: 90, K: 100, T: 0, r: 0.05, q: 0, sigma: 0.2 })).toBe(0);
    expect(bsmGreeks({ type: 'put', S: 90, K: 100, T: 0, r: 0, q: 0, sigma: 0.2 }).delta).toBe(-1);
  });

  it('rejects broken inputs naming the parameter', () => {
    expect(() => bsmPrice({ type: 'put', ...base, S: Number.NaN })).toThrow(/bsmPrice: S must be/);
    expect(() => bsmGreeks({ type: 'put', ...base, sigma: -1 })).toThrow(/bsmGreeks: sigma must be/);
  });

  const arbInput = fc.record({
    S: fc.double({ min: 10, max: 6000, noNaN: true }),
    moneyness: fc.double({ min: -0.4, max: 0.4, noNaN: true }),
    T: fc.double({ min: 1 / 365, max: 2, noNaN: true }),
    r: fc.double({ min: 0, max: 0.08, noNaN: true }),
    q: fc.double({ min: 0, max: 0.03, noNaN: true }),
    sigma: fc.double({ min: 0.05, max: 3, noNaN: true }),
  });

  it('satisfies put–call parity (property)', () => {
    fc.assert(
      fc.property(arbInput, ({ S, moneyness, T, r, q, sigma }) => {
        const K = S * (1 + moneyness);
        const call = bsmPrice({ type: 'call', S, K, T, r, q, sigma });
        const put = bsmPrice({ type: 'put', S, K, T, r, q, sigma });
        const parity = S * Math.exp(-q * T) - K * Math.exp(-r * T);
        expect(Math.abs(call - put - parity)).toBeLessThanOrEqual(1e-10 * Math.max(S, K));
      }),
      { numRuns: 300 },
    );
  });

  it('is non-decreasing in sigma (property)', () => {
    fc.assert(
      fc.property(arbInput, fc.double({ min: 1e-4, max: 1, noNaN: true }), (i, bump) => {
        const K = i.S * (1 + i.moneyness);
        for (const type of ['put', 'call'] as const) {
          const a = bsmPrice({ type, S: i.S, K, T: i.T, r: i.r, q: i.q, sigma: i.sigma });
          const b = bsmPrice({ type, S: i.S, K, T: i.T, r: i.r, q: i.q, sigma: i.sigma + bump });
          expect(b).toBeGreaterThanOrEqual(a - 1e-12 * i.S);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('impliedVolatility', () => {
  it('round-trips sigma in [0.05, 3], moneyness ±40%, T 1 day..2 years within 1e-8 per share (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          S: fc.double({ min: 10, max: 6000, noNaN: true }),
          moneyness: fc.double({ min: -0.4, max: 0.4, noNaN: true }),
          T: fc.double({ min: 1 / 365, max: 2, noNaN: true }),
          r: fc.double({ min: 0, max: 0.08, noNaN: true }),
          q: fc.double({ min: 0, max: 0.03, noNaN: true }),
          sigma: fc.double({ min: 0.05, max: 3, noNaN: true }),
          type: fc.constantFrom('put' as const, 'call' as const),
        }),
        ({ S, moneyness, T, r, q, sigma, type }) => {
          const K = S * (1 + moneyness);
          const price = bsmPrice({ type, S, K, T, r, q, sigma });
          const iv = impliedVolatility({ type, S, K, T, r, q, price });
          const dfS = S * Math.exp(-q * T);
          const dfK = K * Math.exp(-r * T);
          const lower = type === 'put' ? Math.max(0, dfK - dfS) : Math.max(0, dfS - dfK);
          if (price <= lower) {
            // Time value lost to rounding: no positive sigma reproduces it.
            expect(iv.status).toBe('below_intrinsic');
            return;
          }
          expect(iv.status).toBe('ok');
          const back = bsmPrice({ type, S, K, T, r, q, sigma: iv.sigma! });
          expect(Math.abs(back - price)).toBeLessThanOrEqual(1e-8);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('solves every attainable price, including near both bounds', () => {
    const S = 100;
    const K = 80;
    const T = 0.1;
    const r = 0.04;
    const q = 0.01;
    const upper = K * Math.exp(-r * T);
    const lower = Math.max(0, upper - S * Math.exp(-q * T));
    for (const price of [lower + 1e-10, 1e-6, 0.01, 1, 20, 50, upper - 1e-6, upper - 1e-11]) {
      const iv = impliedVolatility({ type: 'put', S, K, T, r, q, price });
      expect(iv.status).toBe('ok');
      expect(
        Math.abs(bsmPrice({ type: 'put', S, K, T, r, q, sigma: iv.sigma! }) - price),
      ).toBeLessThanOrEqual(1e-8);
    }
  });

  it('returns statuses, not exceptions, for unattainable prices', () => {
    const i = { type: 'put' as const, S: 100, K: 110, T: 0.2, r: 0.04, q: 0 };
    const intrinsic = 110 * Math.exp(-0.04 * 0.2) - 100;
    expect(impliedVolatility({ ...i, price: intrinsic - 0.01 })).toEqual({
      status: 'below_intrinsic',
      sigma: null,
    });
    expect(impliedVolatility({ ...i, price: -1 })).toEqual({ status: 'below_intrinsic', sigma: null });
    expect(impliedVolatility({ ...i, price: 110 })).toEqual({ status: 'above_max', sigma: null });
    expect(impliedVolatility({ ...i, T: 0, price: 10.5 })).toEqual({ status: 'no_time', sigma: null });
    expect(() => impliedVolatility({ ...i, price: Number.NaN })).toThrow(/price must be finite/);
  });

  it('recovers a known volatility', () => {
    const price = bsmPrice({ type: 'put', S: 512.34, K: 495, T: 38 / 365, r: 0.04, q: 0.013, sigma: 0.1873 });
    const iv = impliedVolatility({ type: 'put', S: 512.34, K: 495, T: 38 / 365, r: 0.04, q: 0.013, price });
    expect(iv.status).toBe('ok');
    expect(iv.sigma).toBeCloseTo(0.1873, 10);
  });
});
