import { createHash } from 'node:crypto';
import { basename, dirname, extname, join } from 'node:path';
import { canonicalJson, type RunConfig } from '@aegis/strategy-core';
import { loadScenarioConfig } from '@aegis/strategy-core/node';
import type { RunOptions } from './cli.js';

/** The configuration a run uses, with everything derived from it and the flags. */
export interface EffectiveRun {
  run: RunConfig;
  /** `sha256:` of the canonical JSON of the run configuration. */
  configHash: string;
  scenarioIds: string[];
  intervalSec: number;
  /** Multi mode only. */
  comparisonLogPath: string | null;
  liveCapableId: string | null;
}

export function configHashOf(run: RunConfig): string {
  // Where the files were read from is not what they say: paths do not change the hash.
  const { sourceFile: _file, scenarios, ...rest } = run;
  const content = { ...rest, scenarios: scenarios.map(({ origin: _origin, ...s }) => s) };
  return `sha256:${createHash('sha256').update(canonicalJson(content)).digest('hex')}`;
}

/** `<dir of parity log>/<wrapper name>_comparison.jsonl` (`lt_wft.yaml` → `lt_wft_comparison.jsonl`). */
export function defaultComparisonLogPath(parityLog: string, wrapperFile: string): string {
  const name = basename(wrapperFile, extname(wrapperFile));
  return join(dirname(parityLog), `${name}_comparison.jsonl`);
}

/** Loads and validates the scenario files (throws the engine's ConfigError listing every problem). */
export function loadEffectiveRun(options: RunOptions): EffectiveRun {
  const file = (options.multiYaml ?? options.configFile) as string;
  const run = loadScenarioConfig(file);
  const intervalSec = options.scanIntervalSec ?? run.scanIntervalSec;
  if (intervalSec === null) {
    // parseScanCycleArgs already requires --scan-interval in single mode.
    throw new Error('--scan-interval SEC is required with --config (single-scenario mode)');
  }
  const multi = options.multiYaml !== null;
  return {
    run,
    configHash: configHashOf(run),
    scenarioIds: run.scenarios.map((s) => s.id),
    intervalSec,
    comparisonLogPath: multi
      ? (options.comparisonLog ?? defaultComparisonLogPath(options.parityLog, file))
      : null,
    liveCapableId: run.scenarios.find((s) => s.role === 'live_capable')?.id ?? null,
  };
}
