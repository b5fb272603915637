export { canonicalJson } from './canonical-json.js';
export { ConfigError, type ConfigIssue, type ConfigIssueKind, isConfigError } from './errors.js';
export { scenarioJsonSchema } from './json-schema.js';
export {
  DEFAULT_COMPARISON_EVERY_BATCHES,
  DEFAULT_MAX_CONSECUTIVE_FAILED_SCANS,
  DEFAULT_SCENARIO_PRIORITY,
  loadRunConfig,
  type ReadText,
} from './load.js';
export { optionRootsOf, vendorTickerOf } from './universe.js';
