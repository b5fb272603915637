export type { ExitContext, ExitEvaluation, MarkResult } from './exits.js';
export { evaluateExit, expirationDayCutoffMs, intrinsicDebit, markSpread } from './exits.js';
