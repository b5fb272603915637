/// <reference types="node" />
// The Node-only subpath: the rest of the package must build without Node types.
import { readFileSync } from 'node:fs';
import { loadRunConfig } from '../config/load.js';
import type { RunConfig } from '../config/schema.js';

/**
 * Loads a scenario file or a multi-scenario wrapper from disk (Node only). References inside a
 * wrapper resolve relative to the wrapper's directory. Throws a ConfigError listing every problem.
 */
export function loadScenarioConfig(path: string): RunConfig {
  return loadRunConfig(path, (file) => readFileSync(file, 'utf8'));
}

export { ConfigError, isConfigError } from '../config/errors.js';
