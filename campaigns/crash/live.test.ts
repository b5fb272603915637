import { fastSize } from '../bad-input/lib/harness.js';
import { defineLiveCrashSuite } from './lib/live-suite.js';

// Fast part: one kill right after an order's answer, in a 6-scan live session. The two other kinds
// run in findings.test.ts (a restart waits out the broker's read-back settle window, ~15 s each).
defineLiveCrashSuite({
  size: fastSize(1),
  kills: 1,
  kinds: ['after-response'],
  scans: 6,
  timeoutMs: 120_000,
});
