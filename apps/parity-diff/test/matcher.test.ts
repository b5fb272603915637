import { describe, expect, it } from 'vitest';
import { createMatcher, type SideName } from '../src/analyze/matcher.js';
import type { ScanSummary } from '../src/analyze/summary.js';

const scan = (tsSec: number, n: number): ScanSummary => ({
  tsMs: tsSec * 1000,
  tradeDate: '2026-04-10',
  scanCount: n,
  runId: 'r',
  vix: 17,
  entries: [],
  entryStatus: [],
  exits: [],
  errorCount: 0,
  fileIndex: 0,
  line: n,
});

function match(cand: number[], ref: number[], tolSec = 60) {
  const pairs: [number, number][] = [];
  const unmatched: [SideName, number][] = [];
  const m = createMatcher(tolSec * 1000, {
    pair: (c, r) => pairs.push([c.tsMs / 1000, r.tsMs / 1000]),
    unmatched: (side, s) => unmatched.push([side, s.tsMs / 1000]),
  });
  // Interleave arrivals as the reader does (by time), then end both sides.
  const events = [
    ...cand.map((t, i) => ['candidate', t, i] as const),
    ...ref.map((t, i) => ['reference', t, i] as const),
  ].sort((a, b) => a[1] - b[1]);
  for (const [side, t, i] of events) m.push(side, scan(t, i + 1));
  m.end('candidate');
  m.end('reference');
  return { pairs, unmatched, pending: m.pending };
}

describe('createMatcher', () => {
  it('pairs scans one to one with their nearest partner', () => {
    const r = match([0, 45, 90, 135], [2, 47, 93, 136]);
    expect(r.pairs).toEqual([
      [0, 2],
      [45, 47],
      [90, 93],
      [135, 136],
    ]);
    expect(r.unmatched).toEqual([]);
    expect(r.pending).toBe(0);
  });

  it('a scan missing on one side costs one unmatched scan, not a shifted chain', () => {
    const r = match([0, 45, 90, 135], [2, 92, 137]);
    expect(r.pairs).toEqual([
      [0, 2],
      [90, 92],
      [135, 137],
    ]);
    expect(r.unmatched).toEqual([['candidate', 45]]);
  });

  it('never pairs beyond the tolerance', () => {
    const r = match([0, 130], [61, 200], 60);
    expect(r.pairs).toEqual([]);
    expect(r.unmatched.map((u) => u[0]).sort()).toEqual(['candidate', 'candidate', 'reference', 'reference']);
    expect(match([0], [60], 60).pairs).toEqual([[0, 60]]);
  });

  it('counts out-of-order arrivals and still matches them', () => {
    const pairs: number[][] = [];
    const m = createMatcher(5_000, { pair: (c, r) => pairs.push([c.tsMs, r.tsMs]), unmatched: () => {} });
    m.push('candidate', scan(10, 1));
    m.push('candidate', scan(5, 2));
    m.push('reference', scan(5, 1));
    m.push('reference', scan(10, 2));
    m.end('candidate');
    m.end('reference');
    expect(m.outOfOrder.candidate).toBe(1);
    expect(pairs).toEqual([
      [5000, 5000],
      [10000, 10000],
    ]);
  });
});
