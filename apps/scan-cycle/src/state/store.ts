import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineState } from '@aegis/strategy-core';
import { writeFileAtomic } from './atomic.js';

export const STATE_FILE = 'state.json';
export const HALT_FILE = 'HALT';

/** Records of one completed scan, persisted before they are appended to the logs (write-ahead). */
export interface PendingRecords {
  scanCount: number;
  /** Breaker records then the scan record, in append order, for the parity log. */
  parity: Record<string, unknown>[];
  /** The comparison record due at this scan, for the comparison log; null when none is due. */
  comparison: Record<string, unknown> | null;
}

/** The state file: the engine state plus what the app needs to resume exactly. */
export interface PersistedState {
  format: 'aegis-scan-cycle-state';
  version: 1;
  /** Hash of the effective run configuration the state was produced under. */
  configHash: string;
  /** Scenario ids of that configuration, in run order. */
  scenarioIds: string[];
  /** Interval the scans were taken at; a virtual clock resumes at lastScanAt + this. */
  scanIntervalSec: number;
  engine: EngineState;
  pending: PendingRecords | null;
  savedAt: string;
}

/** The state file exists but cannot be used: never silently start fresh over it. */
export class StateFileError extends Error {
  readonly _tag = 'StateFileError' as const;
  constructor(
    readonly path: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`state file ${path}: ${detail}`, options);
    this.name = 'StateFileError';
  }
}

export interface StateStore {
  readonly dir: string;
  readonly statePath: string;
  readonly haltPath: string;
  load(): Promise<PersistedState | null>;
  save(state: PersistedState): Promise<void>;
  haltRequested(): Promise<boolean>;
}

function checkShape(path: string, value: unknown): PersistedState {
  const v = value as Partial<PersistedState> | null;
  if (v === null || typeof v !== 'object') throw new StateFileError(path, 'not a JSON object');
  if (v.format !== 'aegis-scan-cycle-state')
    throw new StateFileError(path, 'format is not aegis-scan-cycle-state');
  if (v.version !== 1)
    throw new StateFileError(path, `unsupported version ${String(v.version)} (expected 1)`);
  const engine = v.engine as Partial<EngineState> | undefined;
  if (engine?.version !== 1) throw new StateFileError(path, 'engine.version: expected 1');
  if (!Number.isSafeInteger(engine.scanCount) || (engine.scanCount ?? -1) < 0) {
    throw new StateFileError(path, 'engine.scanCount: expected a whole number >= 0');
  }
  if (typeof engine.scenarios !== 'object' || engine.scenarios === null) {
    throw new StateFileError(path, 'engine.scenarios: expected an object');
  }
  if (typeof v.configHash !== 'string') throw new StateFileError(path, 'configHash: expected a string');
  if (!Array.isArray(v.scenarioIds)) throw new StateFileError(path, 'scenarioIds: expected an array');
  if (!Number.isFinite(v.scanIntervalSec))
    throw new StateFileError(path, 'scanIntervalSec: expected a number');
  const pending = v.pending;
  if (pending !== null && (typeof pending !== 'object' || !Array.isArray(pending?.parity))) {
    throw new StateFileError(path, 'pending: expected null or { scanCount, parity[], comparison }');
  }
  return v as PersistedState;
}

export async function createStateStore(dir: string): Promise<StateStore> {
  await mkdir(dir, { recursive: true });
  const statePath = join(dir, STATE_FILE);
  const haltPath = join(dir, HALT_FILE);
  return {
    dir,
    statePath,
    haltPath,
    async load() {
      let text: string;
      try {
        text = await readFile(statePath, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new StateFileError(statePath, `unreadable (${(error as Error).message})`, { cause: error });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new StateFileError(statePath, 'not valid JSON', { cause: error });
      }
      return checkShape(statePath, parsed);
    },
    async save(state) {
      await writeFileAtomic(statePath, `${JSON.stringify(state)}\n`);
    },
    async haltRequested() {
      try {
        await access(haltPath);
        return true;
      } catch {
        return false;
      }
    },
  };
}
