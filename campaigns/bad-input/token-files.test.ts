import { fastSize } from './lib/harness.js';
import { defineTokenFileSuite } from './lib/token-suite.js';

defineTokenFileSuite(fastSize(200), { hugeMaxBytes: 256 * 1024, fileScale: 0.5 });
