export { type AdoptionResult, type AdoptionSkip, adoptBrokerFill, type BrokerFill } from './adopt.js';
export type { EngineErrorKind } from './errors.js';
export { EngineError, isEngineError } from './errors.js';
export { intentId, type ParsedIntentId, parseIntentId } from './intent.js';
export {
  alignState,
  assertEngineState,
  ENGINE_STATE_VERSION,
  initialState,
  planSnapshot,
  runOrder,
} from './plan.js';
export { runScan, scanSteps, summarizeScenarios } from './run-scan.js';
