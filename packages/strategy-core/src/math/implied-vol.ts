/**
 * Implied volatility by safeguarded Newton: a bracket [lo, hi] with price(lo) < p < price(hi) is kept
 * at every step; a Newton step that leaves the bracket (or a vanishing vega) falls back to bisection, so
 * the solver always converges for an attainable price. The start point is the inflection point of the
 * price in sigma (sqrt(2|ln(F/K)|/T)), from which Newton converges monotonically on smooth inputs.
 */
import type { OptionType } from '../domain/types.js';
import { assertBsmInput, bsmPriceUnchecked } from './bsm.js';
import { normPdf } from './normal.js';

export interface ImpliedVolatilityInput {
  type: OptionType;
  S: number;
  K: number;
  T: number;
  r: number;
  q: number;
  /** Option price per share. */
  price: number;
}

export type ImpliedVolatilityStatus = 'ok' | 'below_intrinsic' | 'above_max' | 'no_time' | 'no_convergence';

export interface ImpliedVolatilityResult {
  status: ImpliedVolatilityStatus;
  /** Volatility per 1.00 when `status` is `ok`, else null. */
  sigma: number | null;
}

/** Accepted pricing error per share: the contract is |BSM(IV(p)) − p| <= 1e-8. */
export const IV_PRICE_TOLERANCE = 1e-8;
/** Stop early once this close; well inside the contract's tolerance. */
const TARGET_ERROR = 1e-12;
const MAX_ITERATIONS = 200;
const MAX_SIGMA = 2 ** 24;

/**
 * Solve BSM for sigma. Attainable prices are those strictly between the discounted forward intrinsic
 * (sigma → 0) and the upper bound (S·e^(−qT) for calls, K·e^(−rT) for puts; sigma → ∞). Throws RangeError
 * only for non-finite inputs.
 */
export function impliedVolatility(input: ImpliedVolatilityInput): ImpliedVolatilityResult {
  assertBsmInput('impliedVolatility', input);
  const { type, S, K, T, r, q, price } = input;
  if (!Number.isFinite(price)) throw new RangeError(`impliedVolatility: price must be finite, got ${price}`);
  if (T <= 0) return { status: 'no_time', sigma: null };
  const dfS = S * Math.exp(-q * T);
  const dfK = K * Math.exp(-r * T);
  const lower = type === 'call' ? Math.max(0, dfS - dfK) : Math.max(0, dfK - dfS);
  const upper = type === 'call' ? dfS : dfK;
  if (price <= lower) return { status: 'below_intrinsic', sigma: null };
  if (price >= upper) return { status: 'above_max', sigma: null };
  return solve(type, S, K, T, r, q, price);
}

function solve(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  p: number,
): ImpliedVolatilityResult {
  let lo = 0;
  let hi = 1;
  let fHi = bsmPriceUnchecked(type, S, K, T, r, q, hi) - p;
  while (fHi < 0 && hi < MAX_SIGMA) {
    lo = hi;
    hi *= 2;
    fHi = bsmPriceUnchecked(type, S, K, T, r, q, hi) - p;
  }
  if (fHi < 0) {
    // p within rounding of the upper bound: the largest sigma is as close as doubles allow.
    return Math.abs(fHi) <= IV_PRICE_TOLERANCE
      ? { status: 'ok', sigma: hi }
      : { status: 'no_convergence', sigma: null };
  }
  const sqrtT = Math.sqrt(T);
  const dfS = S * Math.exp(-q * T);
  const logMoneyness = Math.log(dfS / (K * Math.exp(-r * T)));
  let sigma = Math.sqrt((2 * Math.abs(logMoneyness)) / T);
  if (!(sigma > lo && sigma < hi)) sigma = (lo + hi) / 2;
  let best = hi;
  let bestErr = Math.abs(fHi);
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    const err = bsmPriceUnchecked(type, S, K, T, r, q, sigma) - p;
    const absErr = Math.abs(err);
    if (absErr < bestErr) {
      best = sigma;
      bestErr = absErr;
    }
    if (absErr <= TARGET_ERROR) break;
    if (err < 0) lo = sigma;
    else hi = sigma;
    if (hi - lo <= 4 * Number.EPSILON * hi) break;
    const volRoot = sigma * sqrtT;
    const d1 = logMoneyness / volRoot + volRoot / 2;
    const vega = dfS * normPdf(d1) * sqrtT;
    const newton = sigma - err / vega;
    sigma = vega > 0 && newton > lo && newton < hi ? newton : (lo + hi) / 2;
  }
  return bestErr <= IV_PRICE_TOLERANCE
    ? { status: 'ok', sigma: best }
    : { status: 'no_convergence', sigma: null };
}
