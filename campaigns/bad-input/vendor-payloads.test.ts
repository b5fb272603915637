import { fastSize } from './lib/harness.js';
import { definePolygonPayloadSuite } from './lib/polygon-suite.js';

definePolygonPayloadSuite(fastSize(200), { clientScale: 0.3 });
