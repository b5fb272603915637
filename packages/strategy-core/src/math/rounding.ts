/** Tolerance of every threshold comparison (SPEC 4.2.1): in favour of passing; closer values are a tie. */
export const EPS = 1e-9;

/** A few ulps: lifts 100.49999999999999 (1.005 × 100 in binary) to the half it was meant to be. */
const NUDGE = 1 + 4 * Number.EPSILON;

/** Round half away from zero to `decimals` places, on the decimal value the number was meant to be (1.005 → 1.01). */
export function roundTo(x: number, decimals: number): number {
  if (!Number.isFinite(x)) return x;
  const scale = 10 ** decimals;
  const out = (Math.sign(x) * Math.round(Math.abs(x) * scale * NUDGE)) / scale;
  return out === 0 ? 0 : out;
}

/** Limit credit: rounded down to the tick, float noise never costing a tick (SPEC 4.2 step 5). */
export function floorToTick(value: number, tick: number): number {
  return roundTo(Math.floor(value / tick + EPS) * tick, 4);
}

/** Exit debit: rounded up to the tick, float noise never adding a tick (SPEC 4.3). */
export function ceilToTick(value: number, tick: number): number {
  return roundTo(Math.ceil(value / tick - EPS) * tick, 4);
}

/** Record-boundary rounding (SPEC 2). */
export const toCents = (x: number): number => roundTo(x, 2);
export const toGreek = (x: number): number => roundTo(x, 4);
