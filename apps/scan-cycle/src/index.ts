/** Library entry of the service (the executable is `main.ts`): for the benchmark, tests and tooling. */
export {
  type BrokerChoice,
  type ClockChoice,
  DEFAULT_HEALTH_ADDR,
  type HostPort,
  type MarketChoice,
  parseScanCycleArgs,
  type RunOptions,
  type ScanCycleCommand,
  USAGE,
  UsageError,
} from './cli.js';
export { configHashOf, defaultComparisonLogPath, type EffectiveRun, loadEffectiveRun } from './config.js';
export type { MarketPort, ScanTimings } from './cycle.js';
export { type DemoOptions, runDemo } from './demo.js';
export { type EnvProblem, type ScanCycleEnv, validateEnv } from './env.js';
export { ExitError, isExitError } from './errors.js';
export { type HealthReport, type HealthState, healthReport } from './health.js';
export { gateVerdictOf, validateLiveApproval } from './live/approval.js';
export { createRootLogger, createSilentLogger } from './logger.js';
export { type RunHooks, type RunSummary, runService } from './run.js';
export { VERSION } from './version.js';
