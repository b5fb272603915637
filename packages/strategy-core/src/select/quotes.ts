import type { OptionQuote } from '../domain/types.js';
import { EPS } from '../math/rounding.js';

/**
 * SPEC 4.1: ask > 0, bid >= 0, ask >= bid and, when the vendor gives a quote time, age <= the limit
 * measured against the scan time. A quote without a timestamp is taken as fresh.
 */
export function isValidQuote(quote: OptionQuote, nowMs: number, maxQuoteAgeSeconds: number): boolean {
  const { bid, ask } = quote;
  if (bid === null || ask === null || !Number.isFinite(bid) || !Number.isFinite(ask)) return false;
  if (!(ask > 0 && bid >= 0 && ask >= bid)) return false;
  if (quote.quoteTimeMs !== null && (nowMs - quote.quoteTimeMs) / 1000 > maxQuoteAgeSeconds + EPS)
    return false;
  return true;
}

/** Mid of a quote already known to be valid. */
export const midOf = (quote: OptionQuote): number => ((quote.bid as number) + (quote.ask as number)) / 2;

/** Why a quote is invalid, for explanations; null when valid. */
export function quoteProblem(quote: OptionQuote, nowMs: number, maxQuoteAgeSeconds: number): string | null {
  const { bid, ask } = quote;
  if (bid === null || ask === null) return 'no two-sided quote';
  if (!(ask > 0)) return `ask ${ask} <= 0`;
  if (!(bid >= 0)) return `bid ${bid} < 0`;
  if (!(ask >= bid)) return `crossed (bid ${bid} > ask ${ask})`;
  if (quote.quoteTimeMs !== null) {
    const ageSeconds = (nowMs - quote.quoteTimeMs) / 1000;
    if (ageSeconds > maxQuoteAgeSeconds + EPS)
      return `quote ${ageSeconds.toFixed(0)}s old > ${maxQuoteAgeSeconds}s`;
  }
  return null;
}
