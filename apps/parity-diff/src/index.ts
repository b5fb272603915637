export { type Analysis, type AnalyzeOptions, analyze } from './analyze/analyze.js';
export { createMatcher, type Matcher, type MatcherEvents, type SideName } from './analyze/matcher.js';
export { diffSorted, entryKey, type ScanSummary, summarizeScan } from './analyze/summary.js';
export {
  type CommandName,
  ParityDiffUsageError,
  type ParsedArgs,
  parseParityDiffArgs,
  type RunArgs,
  USAGE,
} from './cli.js';
export { runParityDiff } from './commands/run.js';
export { renderHtml } from './report/html.js';
export { renderTerminal } from './report/terminal.js';
export type { Charts, Check, InputSummary, ParityDiffReport } from './report/types.js';
