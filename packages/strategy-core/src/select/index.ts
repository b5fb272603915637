export type { GateContext, GateInput, GateResult } from './gates.js';
export { evaluateGates, inEntryWindow, positionRisk, sizeQuantity } from './gates.js';
export { isValidQuote, midOf, quoteProblem } from './quotes.js';
export type {
  EntryCandidate,
  ExpiryAttempt,
  LegQuote,
  SelectionReason,
  ShortAttempt,
  ShortRejection,
  UnderlyingSelection,
} from './select-entries.js';
export { describeSelections, selectEntries, selectForUnderlying } from './select-entries.js';
export type { DeltaSource, DeltaValue, ExpiryChain } from './snapshot-index.js';
export { SnapshotIndex } from './snapshot-index.js';
