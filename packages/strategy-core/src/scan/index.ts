export type { EngineErrorKind } from './errors.js';
export { EngineError, isEngineError } from './errors.js';
export { intentId } from './intent.js';
export {
  alignState,
  assertEngineState,
  ENGINE_STATE_VERSION,
  initialState,
  planSnapshot,
  runOrder,
} from './plan.js';
export { runScan, scanSteps, summarizeScenarios } from './run-scan.js';
