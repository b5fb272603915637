export type { BreakerReading } from './breaker.js';
export {
  blocksEntries,
  evaluateGlobalBreaker,
  evaluateScenarioBreaker,
  levelRank,
  maxLevel,
  readScenarioBreaker,
  resetBreaker,
  rollTradeDate,
} from './breaker.js';
