/**
 * One-to-one matching of two time-ordered scan streams, nearest within a tolerance, greedy in time order,
 * over a sliding window.
 *
 * The earliest pending scan x (either side) is decided first. Its partner is the nearest pending scan y
 * of the other side within the tolerance, unless a later scan of x's own side is strictly nearer to y
 * (then y is left for it and x is unmatched): a missing scan on one side then costs one unmatched scan,
 * not a chain of pairs shifted by one interval. A decision waits until both sides have been read past
 * x + 2 × tolerance, so nothing that could change it is still unread.
 */
import type { ScanSummary } from './summary.js';

export type SideName = 'candidate' | 'reference';

export interface MatcherEvents {
  pair(candidate: ScanSummary, reference: ScanSummary): void;
  unmatched(side: SideName, scan: ScanSummary): void;
}

export interface Matcher {
  push(side: SideName, scan: ScanSummary): void;
  /** The side will push nothing more. */
  end(side: SideName): void;
  /** Scans held in the window (for memory checks). */
  readonly pending: number;
  /** Scans that arrived earlier than an already pushed scan of the same side. */
  readonly outOfOrder: { candidate: number; reference: number };
}

class Queue {
  items: ScanSummary[] = [];
  head = 0;
  get size() {
    return this.items.length - this.head;
  }
  at(i: number): ScanSummary {
    return this.items[this.head + i]!;
  }
  shift(): ScanSummary {
    const x = this.items[this.head++]!;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
  removeAt(i: number): ScanSummary {
    if (i === 0) return this.shift();
    return this.items.splice(this.head + i, 1)[0]!;
  }
  /** Inserts keeping time order (arrivals are almost always at the end). */
  insert(s: ScanSummary): boolean {
    const items = this.items;
    let k = items.length;
    while (k > this.head && items[k - 1]!.tsMs > s.tsMs) k--;
    if (k === items.length) {
      items.push(s);
      return true;
    }
    items.splice(k, 0, s);
    return false;
  }
}

export function createMatcher(toleranceMs: number, events: MatcherEvents): Matcher {
  const q = { candidate: new Queue(), reference: new Queue() };
  const seen = { candidate: Number.NEGATIVE_INFINITY, reference: Number.NEGATIVE_INFINITY };
  const ended = { candidate: false, reference: false };
  const outOfOrder = { candidate: 0, reference: 0 };
  const other = (s: SideName): SideName => (s === 'candidate' ? 'reference' : 'candidate');

  const horizon = (s: SideName) => (ended[s] ? Number.POSITIVE_INFINITY : seen[s]);

  const drain = () => {
    const safe = Math.min(horizon('candidate'), horizon('reference'));
    for (;;) {
      const c = q.candidate.size > 0 ? q.candidate.at(0) : null;
      const r = q.reference.size > 0 ? q.reference.at(0) : null;
      if (!c && !r) return;
      const side: SideName = c && (!r || c.tsMs <= r.tsMs) ? 'candidate' : 'reference';
      const x = (side === 'candidate' ? c : r)!;
      if (!(x.tsMs + 2 * toleranceMs < safe)) return;
      const mine = q[side];
      const theirs = q[other(side)];
      // Nearest partner within tolerance.
      let best = -1;
      let bestDist = Number.POSITIVE_INFINITY;
      for (let i = 0; i < theirs.size; i++) {
        const y = theirs.at(i);
        if (y.tsMs > x.tsMs + toleranceMs) break;
        const dist = Math.abs(y.tsMs - x.tsMs);
        if (dist <= toleranceMs && dist < bestDist) {
          best = i;
          bestDist = dist;
        }
      }
      mine.shift();
      if (best === -1) {
        events.unmatched(side, x);
        continue;
      }
      const y = theirs.at(best);
      let nearerLater = false;
      for (let i = 0; i < mine.size; i++) {
        const x2 = mine.at(i);
        if (x2.tsMs - y.tsMs >= bestDist) break;
        if (Math.abs(x2.tsMs - y.tsMs) < bestDist) {
          nearerLater = true;
          break;
        }
      }
      if (nearerLater) {
        events.unmatched(side, x);
        continue;
      }
      // Anything of the other side before y is now unmatchable: it is farther than tolerance from
      // every pending scan of x's side (those are all at or after x).
      theirs.removeAt(best);
      if (side === 'candidate') events.pair(x, y);
      else events.pair(y, x);
    }
  };

  return {
    push(side, scan) {
      if (scan.tsMs < seen[side]) outOfOrder[side]++;
      else seen[side] = scan.tsMs;
      q[side].insert(scan);
      drain();
    },
    end(side) {
      ended[side] = true;
      drain();
    },
    get pending() {
      return q.candidate.size + q.reference.size;
    },
    outOfOrder,
  };
}
