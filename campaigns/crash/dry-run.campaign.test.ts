import { campaignSize } from '../bad-input/lib/harness.js';
import { defineDryRunCrashSuite } from './lib/dry-run-suite.js';
import { campaignKills } from './lib/env.js';

// Sized part: K kills (50 at `--size small`) over a 400-scan replay (10:00 to 15:00 New York).
const kills = campaignKills(50);
defineDryRunCrashSuite({
  size: campaignSize(),
  kills,
  scans: 400,
  requiredPhases: [
    'before startup record (loading, lock, recovery)',
    'during state write (temp file left)',
    'after state write, before log append',
    'scan in flight (fetch, decide, broker)',
  ],
  timeoutMs: 60_000 + kills * 20_000,
});
