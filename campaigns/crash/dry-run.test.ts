import { fastSize } from '../bad-input/lib/harness.js';
import { defineDryRunCrashSuite } from './lib/dry-run-suite.js';

// Fast part: ten kills, two per kill mode, over an 80-scan replay.
defineDryRunCrashSuite({
  size: fastSize(5),
  kills: 10,
  scans: 80,
  requiredPhases: ['scan in flight (fetch, decide, broker)'],
  timeoutMs: 120_000,
});
