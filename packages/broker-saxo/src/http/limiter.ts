import type { NowMs, SleepMs } from '../ports.js';

/** Sliding-window limiter: at most `limit` acquisitions in any `windowMs`, plus an externally imposed pause. */
export interface RateLimiter {
  /** Resolves when the caller may proceed; returns the milliseconds it waited. */
  acquire(): Promise<number>;
  /** Hold every caller until `untilMs` (a 429 told us when the budget resets). */
  pauseUntil(untilMs: number): void;
}

export function createRateLimiter(options: {
  limit: number;
  windowMs: number;
  now: NowMs;
  sleep: SleepMs;
}): RateLimiter {
  const { limit, windowMs, now, sleep } = options;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const stamps: number[] = [];
  let pausedUntilMs = 0;
  // Serialise acquisitions so concurrent callers queue in arrival order.
  let tail: Promise<unknown> = Promise.resolve();

  async function take(): Promise<number> {
    let waitedMs = 0;
    for (;;) {
      const t = now();
      while (stamps.length > 0 && (stamps[0] as number) <= t - windowMs) stamps.shift();
      let waitMs = Math.max(0, pausedUntilMs - t);
      if (stamps.length >= limit) waitMs = Math.max(waitMs, (stamps[0] as number) + windowMs - t);
      if (waitMs <= 0) {
        stamps.push(t);
        return waitedMs;
      }
      waitedMs += waitMs;
      await sleep(waitMs);
    }
  }

  return {
    acquire() {
      const next = tail.then(take);
      tail = next.catch(() => undefined);
      return next;
    },
    pauseUntil(untilMs) {
      pausedUntilMs = Math.max(pausedUntilMs, untilMs);
    },
  };
}
