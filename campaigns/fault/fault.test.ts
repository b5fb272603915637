import { fastSize } from '../bad-input/lib/harness.js';
import { defineFaultSuite } from './lib/fault-suite.js';

// Fast part: one session through every fault.
defineFaultSuite({ size: fastSize(1), rounds: 1, timeoutMs: 120_000 });
