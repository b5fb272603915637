/**
 * Standard normal distribution to double precision.
 *
 * The CDF uses W. J. Cody's rational Chebyshev approximations of erf/erfc (three ranges: |x| <= 0.66291,
 * |x| <= sqrt(32), beyond), which keep full relative precision in both tails. The Gaussian factor is
 * computed as exp(-xsq²/2)·exp(-del/2) with xsq truncated to 1/16 so the square does not lose bits.
 */

const SQRT_32 = 5.656854249492381;
const INV_SQRT_2PI = 0.3989422804014327;
/** Below this the lower tail underflows to 0 in double precision. */
const LOWER_UNDERFLOW = -37.5193;

const A = [
  2.2352520354606837, 161.02823106855587, 1067.6894854603709, 18154.98125334356, 0.06568233791820745,
];
const B = [47.202581904688245, 976.0985517377767, 10260.932208618979, 45507.78933502673];
const C = [
  0.39894151208813466, 8.883149794388377, 93.50665613217785, 597.2702763948002, 2494.5375852903726,
  6848.190450536283, 11602.65143764735, 9842.714838383978, 1.0765576773720192e-8,
];
const D = [
  22.266688044328117, 235.387901782625, 1519.3775994075547, 6485.558298266761, 18615.571640885097,
  34900.95272114598, 38912.00328609327, 19685.429676859992,
];
const P = [
  0.215898534057957, 0.12740116116024736, 0.022235277870649807, 0.0014216191932278934,
  0.000029112874951168793, 0.023073441764940174,
];
const Q = [
  1.284260096144911, 0.4682382124808651, 0.06598813786892856, 0.0037823963320275824, 0.00007297515550839662,
];

/** exp(-y²/2) without the cancellation of squaring a full-precision y. */
function gaussTail(y: number): number {
  const ySplit = Math.trunc(y * 16) / 16;
  const del = (y - ySplit) * (y + ySplit);
  return Math.exp(-ySplit * ySplit * 0.5) * Math.exp(-del * 0.5);
}

/** Upper-tail probability Q(y) = 1 − Φ(y) for y > 0.66291. */
function upperTail(y: number): number {
  if (y <= SQRT_32) {
    let num = C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    return gaussTail(y) * ((num + C[7]!) / (den + D[7]!));
  }
  const z = 1 / (y * y);
  let num = P[5]! * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + P[i]!) * z;
    den = (den + Q[i]!) * z;
  }
  const r = (z * (num + P[4]!)) / (den + Q[4]!);
  return gaussTail(y) * ((INV_SQRT_2PI - r) / y);
}

/** Φ(x), the standard normal cumulative distribution function. */
export function normCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= 0.66291) {
    const xsq = y > 1.1e-16 ? x * x : 0;
    let num = A[4]! * xsq;
    let den = xsq;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]!) * xsq;
      den = (den + B[i]!) * xsq;
    }
    return 0.5 + (x * (num + A[3]!)) / (den + B[3]!);
  }
  if (x < LOWER_UNDERFLOW) return 0;
  const tail = upperTail(y);
  return x > 0 ? 1 - tail : tail;
}

/** φ(x), the standard normal density. */
export function normPdf(x: number): number {
  return INV_SQRT_2PI * gaussTail(Math.abs(x));
}
