/**
 * The loop's clock. Real: wall time and real sleeps. Virtual: starts at a given instant and moves only
 * when the loop advances it (by the scan interval, or to the next session open), never sleeping.
 */
export interface LoopClock {
  readonly kind: 'real' | 'virtual';
  nowMs(): number;
  /** Waits until `tMs` (real) or jumps to it (virtual). Resolves early when `signal` aborts. */
  sleepUntil(tMs: number, signal: AbortSignal): Promise<void>;
}

export function createRealClock(): LoopClock {
  return {
    kind: 'real',
    nowMs: () => Date.now(),
    sleepUntil(tMs, signal) {
      const delay = tMs - Date.now();
      if (delay <= 0 || signal.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        // Long sleeps (overnight) are chunked so a suspended host re-checks the time when it wakes.
        const timer = setTimeout(done, Math.min(delay, 60_000));
        signal.addEventListener('abort', done, { once: true });
      });
    },
  };
}

export function createVirtualClock(startMs: number): LoopClock & { set(tMs: number): void } {
  let now = startMs;
  return {
    kind: 'virtual',
    nowMs: () => now,
    set(tMs: number) {
      now = tMs;
    },
    async sleepUntil(tMs) {
      if (tMs > now) now = tMs;
    },
  };
}
