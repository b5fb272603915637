/**
 * Counter-based randomness: every draw is a pure hash of (seed, stream, keys…), so any instant can be
 * generated on its own, in any order, by any process, with the same result.
 */

function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit FNV-1a of a string, for string keys (tickers, dates). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Keys may be any safe integers (minute indexes exceed 32 bits' comfort; both halves are mixed). */
export function hash32(seed: number, ...keys: number[]): number {
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9) ^ fmix32(Math.floor(seed / 2 ** 32) + 0x632be5ab);
  for (const k of keys) {
    const lo = k >>> 0;
    const hi = Math.floor(k / 2 ** 32) >>> 0;
    h = fmix32(h ^ fmix32(lo + 0x7f4a7c15));
    h = fmix32(h ^ fmix32(hi + 0x2545f491));
  }
  return h;
}

/** Uniform in (0, 1). */
export function uniform(seed: number, ...keys: number[]): number {
  return (hash32(seed, ...keys) + 0.5) / 2 ** 32;
}

/** Standard normal (Box–Muller on two independent counters). */
export function normal(seed: number, ...keys: number[]): number {
  const u1 = uniform(seed, ...keys, 0x51);
  const u2 = uniform(seed, ...keys, 0xa7);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
