import { campaignSize } from '../bad-input/lib/harness.js';
import { campaignLiveKills } from './lib/env.js';
import { defineLiveCrashSuite } from './lib/live-suite.js';

// Sized part: K kills (50 at `--size small`), each in its own 12-scan live session. Two kinds in three
// leave an intent in flight, and their restart waits out the broker's 15 s read-back settle window.
const kills = campaignLiveKills(50);
defineLiveCrashSuite({ size: campaignSize(), kills, scans: 12, timeoutMs: 60_000 + kills * 30_000 });
