import { campaignSize } from './lib/harness.js';
import { defineTokenFileSuite } from './lib/token-suite.js';

defineTokenFileSuite(campaignSize(), { hugeMaxBytes: 8 * 1024 * 1024, fileScale: 0.25 });
