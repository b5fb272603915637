export type { EquityBreakdown, FillEntry } from './book.js';
export {
  bookEntry,
  bookExit,
  CONTRACT_MULTIPLIER,
  equityOf,
  freshScenarioState,
  RECENT_CLOSED_LIMIT,
  spreadFees,
  summarizeScenario,
  unrealizedPnl,
} from './book.js';
