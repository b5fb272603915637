import { campaignSize } from './lib/harness.js';
import { defineScenarioYamlSuite } from './lib/scenario-suite.js';

// Alias bombs up to 10^8 leaves: a 1-KB file must still be refused promptly.
defineScenarioYamlSuite(campaignSize(), { bombLeavesMax: 100_000_000 });
