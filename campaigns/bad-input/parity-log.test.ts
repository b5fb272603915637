import { fastSize } from './lib/harness.js';
import { defineParityLogSuite } from './lib/parity-suite.js';

defineParityLogSuite(fastSize(120), { maxFiles: 3, maxLines: 12, maxLineBytes: [512, 4096] });
