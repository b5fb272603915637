import { campaignSize } from './lib/harness.js';
import { definePolygonPayloadSuite } from './lib/polygon-suite.js';

definePolygonPayloadSuite(campaignSize(), { clientScale: 0.1 });
