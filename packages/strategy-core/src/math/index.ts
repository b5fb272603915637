export type { BsmGreeks, BsmInput } from './bsm.js';
export { bsmGreeks, bsmPrice } from './bsm.js';
export type {
  ImpliedVolatilityInput,
  ImpliedVolatilityResult,
  ImpliedVolatilityStatus,
} from './implied-vol.js';
export { IV_PRICE_TOLERANCE, impliedVolatility } from './implied-vol.js';
export { normCdf, normPdf } from './normal.js';
export { ceilToTick, EPS, floorToTick, roundTo, toCents, toGreek } from './rounding.js';
