/**
 * Black–Scholes–Merton prices and greeks of European options with a continuous dividend yield.
 *
 * Units: S and K in price per share, T in years (minutes / 525,600), r and q continuously compounded
 * per year, sigma per 1.00 (0.20 = 20% vol). Vega is per 1.00 of vol (divide by 100 for one vol point);
 * theta is per year (divide by 365 for one calendar day).
 */
import type { OptionType } from '../domain/types.js';
import { normCdf, normPdf } from './normal.js';

export interface BsmInput {
  type: OptionType;
  /** Underlying price. */
  S: number;
  /** Strike. */
  K: number;
  /** Years to expiry. */
  T: number;
  /** Risk-free rate, continuously compounded. */
  r: number;
  /** Dividend yield, continuously compounded. */
  q: number;
  /** Volatility per 1.00. */
  sigma: number;
}

export interface BsmGreeks {
  /** dPrice/dS. Put deltas are negative. */
  delta: number;
  /** d²Price/dS². */
  gamma: number;
  /** dPrice/dSigma per 1.00 of vol. */
  vega: number;
  /** dPrice/dt per year (the value lost as one year passes; usually negative). */
  theta: number;
}

function assertInput(where: string, i: Omit<BsmInput, 'sigma'> & { sigma?: number }): void {
  const bad = (name: string, v: number, rule: string) => {
    throw new RangeError(`${where}: ${name} must be ${rule}, got ${v}`);
  };
  if (i.type !== 'put' && i.type !== 'call') throw new RangeError(`${where}: type must be 'put' or 'call'`);
  if (!(Number.isFinite(i.S) && i.S > 0)) bad('S', i.S, 'a finite number > 0');
  if (!(Number.isFinite(i.K) && i.K > 0)) bad('K', i.K, 'a finite number > 0');
  if (!(Number.isFinite(i.T) && i.T >= 0)) bad('T', i.T, 'a finite number >= 0');
  if (!Number.isFinite(i.r)) bad('r', i.r, 'finite');
  if (!Number.isFinite(i.q)) bad('q', i.q, 'finite');
  if (i.sigma !== undefined && !(Number.isFinite(i.sigma) && i.sigma >= 0)) {
    bad('sigma', i.sigma, 'a finite number >= 0');
  }
}

/** Price per share when no time value is left (T = 0 or sigma = 0): the discounted forward intrinsic. */
function forwardIntrinsic(type: OptionType, dfS: number, dfK: number): number {
  return type === 'call' ? Math.max(0, dfS - dfK) : Math.max(0, dfK - dfS);
}

/** Unchecked price; callers validate. Exported inside the package for the IV solver's hot loop. */
export function bsmPriceUnchecked(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  sigma: number,
): number {
  const dfS = S * Math.exp(-q * T);
  const dfK = K * Math.exp(-r * T);
  const volRoot = sigma * Math.sqrt(T);
  if (!(volRoot > 0)) return forwardIntrinsic(type, dfS, dfK);
  const d1 = Math.log(dfS / dfK) / volRoot + volRoot / 2;
  const d2 = d1 - volRoot;
  const price =
    type === 'call' ? dfS * normCdf(d1) - dfK * normCdf(d2) : dfK * normCdf(-d2) - dfS * normCdf(-d1);
  // Cancellation can leave a tiny negative or sub-intrinsic value; the true price is never below either.
  return Math.max(price, forwardIntrinsic(type, dfS, dfK));
}

/** BSM price per share. Throws RangeError on non-finite or out-of-domain inputs (a broken invariant). */
export function bsmPrice(input: BsmInput): number {
  assertInput('bsmPrice', input);
  return bsmPriceUnchecked(input.type, input.S, input.K, input.T, input.r, input.q, input.sigma);
}

/** Unchecked delta; callers validate. */
export function bsmDeltaUnchecked(
  type: OptionType,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  sigma: number,
): number {
  const discQ = Math.exp(-q * T);
  const volRoot = sigma * Math.sqrt(T);
  if (!(volRoot > 0)) {
    const fwdItm = type === 'call' ? S * discQ > K * Math.exp(-r * T) : S * discQ < K * Math.exp(-r * T);
    return fwdItm ? (type === 'call' ? discQ : -discQ) : 0;
  }
  const d1 = (Math.log(S / K) + (r - q) * T) / volRoot + volRoot / 2;
  return type === 'call' ? discQ * normCdf(d1) : -discQ * normCdf(-d1);
}

/** BSM delta, gamma, vega (per 1.00 vol) and theta (per year). */
export function bsmGreeks(input: BsmInput): BsmGreeks {
  assertInput('bsmGreeks', input);
  const { type, S, K, T, r, q, sigma } = input;
  const discQ = Math.exp(-q * T);
  const discR = Math.exp(-r * T);
  const sqrtT = Math.sqrt(T);
  const volRoot = sigma * sqrtT;
  if (!(volRoot > 0)) {
    // No time value: delta is the step of the forward intrinsic, the rest vanish except carry.
    const delta = bsmDeltaUnchecked(type, S, K, T, r, q, sigma);
    const itm = delta !== 0;
    const theta = !itm ? 0 : type === 'call' ? q * S * discQ - r * K * discR : r * K * discR - q * S * discQ;
    return { delta, gamma: 0, vega: 0, theta };
  }
  const d1 = (Math.log(S / K) + (r - q) * T) / volRoot + volRoot / 2;
  const d2 = d1 - volRoot;
  const pdf = normPdf(d1);
  const gamma = (discQ * pdf) / (S * volRoot);
  const vega = S * discQ * pdf * sqrtT;
  const decay = (-S * discQ * pdf * sigma) / (2 * sqrtT);
  if (type === 'call') {
    return {
      delta: discQ * normCdf(d1),
      gamma,
      vega,
      theta: decay - r * K * discR * normCdf(d2) + q * S * discQ * normCdf(d1),
    };
  }
  return {
    delta: -discQ * normCdf(-d1),
    gamma,
    vega,
    theta: decay + r * K * discR * normCdf(-d2) - q * S * discQ * normCdf(-d1),
  };
}

export { assertInput as assertBsmInput };
