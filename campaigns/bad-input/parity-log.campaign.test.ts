import { campaignSize } from './lib/harness.js';
import { defineParityLogSuite } from './lib/parity-suite.js';

defineParityLogSuite(campaignSize(0.5), { maxFiles: 4, maxLines: 40, maxLineBytes: [512, 64 * 1024] });
