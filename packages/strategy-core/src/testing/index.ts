export type { DeepPartial } from './scenarios.js';
export { baseScenario, deepMerge, makeRunConfig, makeScenario, shippedLikeScenarios } from './scenarios.js';
export type { SyntheticSnapshotOptions, SyntheticUnderlying } from './synthetic.js';
export { fixedClock, makeSyntheticSnapshot, occTicker, seededRandom } from './synthetic.js';
