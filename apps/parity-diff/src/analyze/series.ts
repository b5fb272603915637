/**
 * A bounded time series for charts: when full, neighbouring points are merged pairwise (keeping the
 * larger magnitude), so a month or a year of scans draws with the same memory.
 */
export class BoundedSeries {
  private t: number[] = [];
  private v: number[] = [];
  private stride = 1;
  private pendingCount = 0;
  constructor(private readonly capacity = 1500) {}

  add(tMs: number, value: number): void {
    if (this.pendingCount > 0) {
      const last = this.v.length - 1;
      if (Math.abs(value) > Math.abs(this.v[last]!)) this.v[last] = value;
      this.pendingCount = (this.pendingCount + 1) % this.stride;
      return;
    }
    this.t.push(tMs);
    this.v.push(value);
    this.pendingCount = this.stride > 1 ? 1 : 0;
    if (this.t.length >= this.capacity) this.halve();
  }

  private halve(): void {
    const t: number[] = [];
    const v: number[] = [];
    for (let i = 0; i < this.t.length; i += 2) {
      const a = this.v[i]!;
      const b = this.v[i + 1];
      t.push(this.t[i]!);
      v.push(b !== undefined && Math.abs(b) > Math.abs(a) ? b : a);
    }
    this.t = t;
    this.v = v;
    this.stride *= 2;
    this.pendingCount = 0;
  }

  points(): [number, number][] {
    return this.t.map((t, i) => [t, this.v[i]!]);
  }
}

/** Keeps the first `max` examples and counts the rest. */
export class Examples<T> {
  readonly items: T[] = [];
  count = 0;
  constructor(private readonly max = 10) {}
  add(item: T | (() => T)): void {
    this.count++;
    if (this.items.length < this.max)
      this.items.push(typeof item === 'function' ? (item as () => T)() : item);
  }
}

/**
 * Per-scan counts summed in at most `capacity` consecutive blocks: when full, neighbouring blocks merge
 * and the block size doubles. Memory is fixed; a range sum is exact up to the two partial blocks at its
 * ends, which are prorated (exact while the window has at most `capacity` scans).
 */
export class BlockSums {
  private sums: Float64Array;
  private blocks = 0;
  private blockSize = 1;
  /** Scans in the last (open) block. */
  private fill = 0;
  length = 0;
  constructor(private readonly capacity = 4096) {
    this.sums = new Float64Array(capacity);
  }
  push(n: number): void {
    if (this.fill === 0) {
      if (this.blocks === this.capacity) this.merge();
      this.blocks++;
      this.sums[this.blocks - 1] = 0;
    }
    this.sums[this.blocks - 1]! += n;
    this.fill = (this.fill + 1) % this.blockSize;
    this.length++;
  }
  private merge(): void {
    const half = this.capacity / 2;
    for (let i = 0; i < half; i++) this.sums[i] = this.sums[2 * i]! + this.sums[2 * i + 1]!;
    this.blocks = half;
    this.blockSize *= 2;
  }
  /** Sum of the counts of scans [from, to). */
  sum(from: number, to: number): number {
    let total = 0;
    for (let b = 0; b < this.blocks; b++) {
      const start = b * this.blockSize;
      const end = Math.min(start + this.blockSize, this.length);
      const overlap = Math.min(end, to) - Math.max(start, from);
      if (overlap <= 0) continue;
      total += overlap === end - start ? this.sums[b]! : (this.sums[b]! * overlap) / (end - start);
    }
    return total;
  }
}
