import { fastSize } from './lib/harness.js';
import { defineScenarioYamlSuite } from './lib/scenario-suite.js';

defineScenarioYamlSuite(fastSize(400), { bombLeavesMax: 10_000 });
