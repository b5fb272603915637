export {
  DEFAULT_SCENARIOS,
  DEFAULT_UNDERLYINGS,
  type GeneratedLine,
  type GenerateParityOptions,
  generateParityLines,
  type ParityDifferences,
  type Side,
  scanSchedule,
} from './generator.js';
export { mixSeed, mulberry32, type Rng } from './rng.js';
export { type WriteParityLogsOptions, type WrittenParityLogs, writeParityLogs } from './write.js';
