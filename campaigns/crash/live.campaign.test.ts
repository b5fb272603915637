import { campaignSize } from '../bad-input/lib/harness.js';
import { campaignKills } from './lib/env.js';
import { defineLiveCrashSuite } from './lib/live-suite.js';

// Sized part: K kills (50 at `--size small`), each in its own 12-scan live session.
const kills = campaignKills(50);
defineLiveCrashSuite({ size: campaignSize(), kills, scans: 12, timeoutMs: 60_000 + kills * 20_000 });
