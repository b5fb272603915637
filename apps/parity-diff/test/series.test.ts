import { describe, expect, it } from 'vitest';
import { BlockSums, BoundedSeries, Examples } from '../src/analyze/series.js';
import { diffSorted } from '../src/analyze/summary.js';

describe('BlockSums', () => {
  it('is exact while the window fits in its blocks', () => {
    const b = new BlockSums(8);
    const counts = [0, 1, 0, 2, 0, 0, 3, 1];
    for (const c of counts) b.push(c);
    expect(b.sum(0, 2)).toBe(1);
    expect(b.sum(6, 8)).toBe(4);
  });

  it('keeps its memory fixed and range sums close once blocks merge', () => {
    const b = new BlockSums(16);
    // 1000 scans: errors only in the last quarter, one per scan.
    for (let i = 0; i < 1000; i++) b.push(i >= 750 ? 1 : 0);
    expect(b.length).toBe(1000);
    expect(b.sum(0, 250)).toBe(0);
    // 1000 scans in 16 blocks of 64: exact on block edges, within one block's count elsewhere.
    expect(b.sum(768, 1000)).toBe(232);
    expect(Math.abs(b.sum(750, 1000) - 250)).toBeLessThanOrEqual(64);
    expect(b.sum(0, 1000)).toBe(250);
  });
});

describe('BoundedSeries', () => {
  it('halves when full and keeps the larger magnitude of merged points', () => {
    const s = new BoundedSeries(4);
    for (const [i, v] of [0.01, -0.5, 0.02, 0.03, 0.2, 0.01].entries()) s.add(i, v);
    const pts = s.points();
    expect(pts.length).toBeLessThanOrEqual(4);
    expect(pts.map((p) => p[1])).toContain(-0.5);
    expect(pts.map((p) => p[1])).toContain(0.2);
  });
});

describe('Examples and diffSorted', () => {
  it('keeps the first examples and counts all', () => {
    const e = new Examples<number>(2);
    for (let i = 0; i < 5; i++) e.add(i);
    expect([e.items, e.count]).toEqual([[0, 1], 5]);
  });

  it('diffs sorted multisets', () => {
    expect(diffSorted(['a', 'b', 'b', 'd'], ['b', 'c', 'd'])).toEqual({
      onlyA: [0, 2],
      onlyB: [1],
      both: [
        [1, 0],
        [3, 2],
      ],
    });
  });
});
