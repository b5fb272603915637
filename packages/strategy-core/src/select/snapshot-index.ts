/**
 * Per-snapshot indexes shared by every scenario of one scan: chains grouped by underlying, root set and
 * expiry (sorted by strike), year fractions per expiry, and deltas computed lazily once per contract and
 * (rate, yield) pair. Building it changes no result; it only avoids repeating work across scenarios.
 */
import { dte, tradeDateOf, yearFractionToExpiry } from '../calendar/index.js';
import type { MarketSnapshot, OptionQuote, TradeDate } from '../domain/types.js';
import { bsmDeltaUnchecked } from '../math/bsm.js';
import { impliedVolatility } from '../math/implied-vol.js';
import { isValidQuote } from './quotes.js';

export type DeltaSource = 'vendor' | 'vendor_iv' | 'solved_iv';

export interface DeltaValue {
  /** Signed delta (negative for puts). */
  delta: number;
  source: DeltaSource;
}

/** Puts of one underlying, one root set and one expiry, ascending by strike. */
export interface ExpiryChain {
  expiry: TradeDate;
  dte: number;
  /** Year fraction T to 16:00 New York on the expiry (SPEC 2). */
  yearFraction: number;
  puts: OptionQuote[];
  /** Delta tables by `${r}|${q}|${S}`. */
  deltaCache: Map<string, DeltaTable>;
}

/** Deltas of one expiry chain for one (S, r, q): NaN = not computed yet, Infinity = no delta. */
export interface DeltaTable {
  S: number;
  r: number;
  q: number;
  T: number;
  puts: OptionQuote[];
  values: Float64Array;
  sources: Uint8Array;
  /** Short pools by max quote age. */
  pools: Map<number, ShortPool>;
}

/**
 * Puts that can be a short whatever the delta bounds (valid quote, bid > 0, strike < S, a delta),
 * ascending by abs(delta), ties in chain order: a delta range is then a binary search away.
 */
export interface ShortPool {
  index: Int32Array;
  absDelta: Float64Array;
}

const byStrike = (a: OptionQuote, b: OptionQuote): number => a.strike - b.strike;

const byAbsDelta =
  (abs: Float64Array) =>
  (a: number, b: number): number =>
    abs[a]! - abs[b]! || a - b;

/** Signed delta of `table.puts[i]`, computed on first use; Infinity when the contract has none. */
export function deltaAt(table: DeltaTable, i: number): number {
  const known = table.values[i]!;
  if (!Number.isNaN(known)) return known;
  const computed = computeDelta(table.puts[i]!, table.S, table.T, table.r, table.q);
  const value = computed ? computed.delta : Number.POSITIVE_INFINITY;
  table.values[i] = value;
  table.sources[i] = computed ? SOURCE_CODES.indexOf(computed.source) : 0;
  return value;
}

export const deltaSourceAt = (table: DeltaTable, i: number): DeltaSource => SOURCE_CODES[table.sources[i]!]!;

const SOURCE_CODES: DeltaSource[] = ['vendor', 'vendor_iv', 'solved_iv'];

export class SnapshotIndex {
  readonly tradeDate: TradeDate;
  private readonly byRoots = new Map<string, ExpiryChain[]>();
  private byTicker: Map<string, OptionQuote> | null = null;
  /** Selections of identical entry parameters are identical: shared by scenarios within one scan. */
  readonly selectionMemo = new Map<string, unknown>();

  constructor(
    readonly snapshot: MarketSnapshot,
    readonly nowMs: number,
  ) {
    this.tradeDate = tradeDateOf(nowMs);
  }

  /** Underlying price S of the scan, or null when its fetch failed. */
  priceOf(underlying: string): number | null {
    const price = this.snapshot.underlyings[underlying]?.price;
    return price !== undefined && Number.isFinite(price) && price > 0 ? price : null;
  }

  hasChain(underlying: string): boolean {
    return this.snapshot.chains[underlying] !== undefined;
  }

  /** Expiry chains of `underlying` restricted to `roots`, ascending by expiry. */
  expiries(underlying: string, roots: readonly string[]): ExpiryChain[] {
    const key = `${underlying}\u0000${roots.join(',')}`;
    const cached = this.byRoots.get(key);
    if (cached) return cached;
    const single = roots.length === 1 ? roots[0] : undefined;
    const rootSet = new Set(roots);
    const groups = new Map<TradeDate, { puts: OptionQuote[]; sorted: boolean }>();
    // Vendors list a chain grouped by expiry: remember the current group instead of a map lookup each time.
    let lastExpiry = '';
    let last: { puts: OptionQuote[]; sorted: boolean } | undefined;
    for (const c of this.snapshot.chains[underlying] ?? []) {
      if (c.type !== 'put' || !(single === undefined ? rootSet.has(c.root) : c.root === single)) continue;
      if (!(Number.isFinite(c.strike) && c.strike > 0)) continue;
      if (c.expiry !== lastExpiry || !last) {
        lastExpiry = c.expiry;
        last = groups.get(c.expiry);
        if (!last) {
          last = { puts: [], sorted: true };
          groups.set(c.expiry, last);
        }
      }
      const n = last.puts.length;
      if (n > 0 && last.puts[n - 1]!.strike > c.strike) last.sorted = false;
      last.puts.push(c);
    }
    const chains: ExpiryChain[] = [];
    for (const [expiry, group] of groups) {
      const days = dte(this.tradeDate, expiry);
      if (days < 0) continue;
      const puts = group.puts;
      if (!group.sorted) puts.sort(byStrike);
      chains.push({
        expiry,
        dte: days,
        yearFraction: yearFractionToExpiry(this.nowMs, expiry),
        puts,
        deltaCache: new Map(),
      });
    }
    chains.sort((a, b) => (a.expiry < b.expiry ? -1 : a.expiry > b.expiry ? 1 : 0));
    this.byRoots.set(key, chains);
    return chains;
  }

  /** The lazily filled delta table of `chain` for one (S, r, q); shared by every scenario using them. */
  deltaTable(chain: ExpiryChain, S: number, r: number, q: number): DeltaTable {
    const key = `${r}|${q}|${S}`;
    let table = chain.deltaCache.get(key);
    if (!table) {
      table = {
        S,
        r,
        q,
        T: chain.yearFraction,
        puts: chain.puts,
        values: new Float64Array(chain.puts.length).fill(Number.NaN),
        sources: new Uint8Array(chain.puts.length),
        pools: new Map(),
      };
      chain.deltaCache.set(key, table);
    }
    return table;
  }

  /** The short pool of a delta table for one quote-age limit, built once per scan. */
  shortPool(table: DeltaTable, maxQuoteAgeSeconds: number): ShortPool {
    const cached = table.pools.get(maxQuoteAgeSeconds);
    if (cached) return cached;
    const picked: number[] = [];
    const puts = table.puts;
    for (let i = 0; i < puts.length; i++) {
      const c = puts[i]!;
      if (!(c.strike < table.S)) break; // ascending strikes: the rest are at or above S
      if (!isValidQuote(c, this.nowMs, maxQuoteAgeSeconds) || !((c.bid as number) > 0)) continue;
      if (deltaAt(table, i) === Number.POSITIVE_INFINITY) continue;
      picked.push(i);
    }
    const abs = new Float64Array(puts.length);
    for (const i of picked) abs[i] = Math.abs(table.values[i]!);
    picked.sort(byAbsDelta(abs));
    const index = new Int32Array(picked.length);
    const absDelta = new Float64Array(picked.length);
    for (let k = 0; k < picked.length; k++) {
      index[k] = picked[k]!;
      absDelta[k] = abs[picked[k]!]!;
    }
    const pool: ShortPool = { index, absDelta };
    table.pools.set(maxQuoteAgeSeconds, pool);
    return pool;
  }

  /**
   * Delta of `chain.puts[i]` (SPEC 4.1 fallback chain): vendor delta; else BSM delta from the vendor IV;
   * else BSM delta from the IV solved from mid; else null.
   */
  deltaOf(chain: ExpiryChain, i: number, S: number, r: number, q: number): DeltaValue | null {
    const table = this.deltaTable(chain, S, r, q);
    const delta = deltaAt(table, i);
    return Number.isFinite(delta) ? { delta, source: deltaSourceAt(table, i) } : null;
  }

  /** Current quote of an option ticker: the legs map first, then the chains. */
  quoteOf(ticker: string): OptionQuote | null {
    const leg = this.snapshot.legs[ticker];
    if (leg) return leg;
    if (!this.byTicker) {
      this.byTicker = new Map();
      for (const chain of Object.values(this.snapshot.chains)) {
        for (const c of chain) this.byTicker.set(c.ticker, c);
      }
    }
    return this.byTicker.get(ticker) ?? null;
  }
}

function computeDelta(c: OptionQuote, S: number, T: number, r: number, q: number): DeltaValue | null {
  if (c.vendorDelta !== null && Number.isFinite(c.vendorDelta))
    return { delta: c.vendorDelta, source: 'vendor' };
  if (c.vendorIv !== null && Number.isFinite(c.vendorIv) && c.vendorIv > 0) {
    return { delta: bsmDeltaUnchecked(c.type, S, c.strike, T, r, q, c.vendorIv), source: 'vendor_iv' };
  }
  const { bid, ask } = c;
  if (bid === null || ask === null || !(ask > 0 && bid >= 0 && ask >= bid)) return null;
  const iv = impliedVolatility({ type: c.type, S, K: c.strike, T, r, q, price: (bid + ask) / 2 });
  if (iv.status !== 'ok' || iv.sigma === null || !(iv.sigma > 0)) return null;
  return { delta: bsmDeltaUnchecked(c.type, S, c.strike, T, r, q, iv.sigma), source: 'solved_iv' };
}
