import { readCampaignEnv } from '../bad-input/lib/env.js';
import { campaignSize } from '../bad-input/lib/harness.js';
import { defineFaultSuite } from './lib/fault-suite.js';

// Sized part: the whole fault schedule, one session per 500 cases of `--size` (2 at `small`).
const rounds = Math.max(1, Math.round((readCampaignEnv().runs ?? 1000) / 500));
defineFaultSuite({ size: campaignSize(), rounds, timeoutMs: 60_000 + rounds * 90_000 });
