/**
 * One scan, and the exactly-once protocol around it.
 *
 * Per scan: decide (pure engine) → persist the new state together with the scan's records as
 * `pending` (write-ahead, atomic) → append the records to the logs → (at the next persist or at
 * shutdown) the pending slot is cleared. At startup, pending records that are not in the log's tail
 * are appended. See the README for every crash instant.
 */
import type { ParityLogWriter, ParityRecord } from '@aegis/parity-log';
import {
  type BrokerRequest,
  type BrokerVerdict,
  type EngineState,
  type MarketSnapshot,
  planSnapshot,
  type RunConfig,
  type ScanError,
  type ScanOutcome,
  type SnapshotPlan,
  scanSteps,
} from '@aegis/strategy-core';
import type { Logger } from 'pino';
import type { BrokerPort } from './broker.js';
import { type RecordContext, toBreakerRecord, toComparisonRecord, toScanRecord } from './records.js';
import type { PendingRecords, PersistedState, StateStore } from './state/store.js';
import { readTailRecords } from './state/tail.js';

export interface MarketPort {
  fetchScanSnapshot(plan: SnapshotPlan): Promise<MarketSnapshot>;
}

export interface ScanTimings {
  fetchMs: number;
  decideMs: number;
  brokerMs: number;
  persistMs: number;
  appendMs: number;
}

export interface CycleDeps {
  run: RunConfig;
  ctx: RecordContext;
  market: MarketPort;
  /** null: `--broker none` (decisions of the live-capable scenario are `proposed`). */
  broker: BrokerPort | null;
  store: StateStore;
  parityLog: ParityLogWriter;
  /** Multi mode only. */
  comparisonLog: ParityLogWriter | null;
  comparisonEvery: number;
  logger: Logger;
  /** Wall clock for `duration_ms` and timings (never the virtual clock). */
  perfNowMs: () => number;
  /** Notes from startup (adopted fills) that go into the first scan record's `errors`. */
  startupErrors?: ScanError[];
}

export type ScanResultKind =
  | { ok: true; outcome: ScanOutcome; durationMs: number; timings: ScanTimings }
  /** The scan was decided but could not be made durable: nothing was recorded, state unchanged. */
  | { ok: false; reason: 'state_unwritable' | 'log_unwritable' | 'engine_error'; message: string };

function emptySnapshot(plan: SnapshotPlan, error: unknown): MarketSnapshot {
  return {
    asOfMs: plan.asOfMs,
    vix: null,
    underlyings: {},
    chains: {},
    legs: {},
    errors: [
      {
        source: 'polygon',
        code: 'snapshot_failed',
        message: error instanceof Error ? error.message : String(error),
      },
    ],
  };
}

/** A record of the pending set is already in the log tail (same run, same scan, same content key). */
function presentIn(tail: readonly Record<string, unknown>[], record: Record<string, unknown>): boolean {
  return tail.some((r) => {
    if (r.record_kind !== record.record_kind || r.scan_count !== record.scan_count) return false;
    if (record.record_kind === 'comparison') return r.batch === record.batch && r.ts === record.ts;
    if (r.run_id !== record.run_id) return false;
    if (record.record_kind === 'breaker') return r.scenario === record.scenario && r.to === record.to;
    return true;
  });
}

/**
 * Appends whatever of `pending` the logs do not hold yet. Safe to call any number of times: a
 * record found in the log's tail is never appended again.
 */
export async function flushPending(
  pending: PendingRecords,
  parityLog: ParityLogWriter,
  comparisonLog: ParityLogWriter | null,
): Promise<{ appended: number; skipped: number }> {
  let appended = 0;
  let skipped = 0;
  const tail = await readTailRecords(parityLog.path);
  for (const record of pending.parity) {
    if (presentIn(tail, record)) {
      skipped++;
      continue;
    }
    await parityLog.append(record as ParityRecord);
    appended++;
  }
  if (pending.comparison !== null && comparisonLog !== null) {
    const cTail = await readTailRecords(comparisonLog.path);
    if (presentIn(cTail, pending.comparison)) skipped++;
    else {
      await comparisonLog.append(pending.comparison as ParityRecord);
      appended++;
    }
  }
  return { appended, skipped };
}

export interface Cycle {
  /** The persisted state as of the last completed scan. */
  current(): PersistedState;
  /** Runs one scan at `tMs` (inside the session). Never throws for market, broker or disk trouble. */
  scan(tMs: number, haltRequested: boolean): Promise<ScanResultKind>;
  /** Retries appending a pending set left by a failed append. */
  retryPending(): Promise<boolean>;
  /** Clears the pending slot once its records are known to be in the logs (shutdown). */
  settle(): Promise<void>;
}

export function createCycle(deps: CycleDeps, initial: PersistedState): Cycle {
  let persisted = initial;
  /** The pending set is in the state file but not yet confirmed in the logs. */
  let unflushed = initial.pending !== null;
  let carried: ScanError[] = [...(deps.startupErrors ?? [])];
  const { logger } = deps;

  async function decide(
    snapshot: MarketSnapshot,
    engine: EngineState,
    tMs: number,
    haltRequested: boolean,
    extraErrors: ScanError[],
  ): Promise<{ outcome: ScanOutcome; nextState: EngineState; brokerMs: number }> {
    const brokerErrors: ScanError[] = [];
    let brokerMs = 0;
    const steps = scanSteps(snapshot, engine, deps.run, tMs, {
      haltRequested,
      brokerAttached: deps.broker !== null,
      mode: deps.ctx.mode,
      extraErrors,
    });
    let step = steps.next();
    while (!step.done) {
      const request: BrokerRequest = step.value;
      const b0 = deps.perfNowMs();
      if (deps.broker === null) throw new Error('engine asked for a broker verdict with no broker attached');
      const result = await deps.broker.decide(request);
      brokerMs += deps.perfNowMs() - b0;
      const verdict: BrokerVerdict = result.verdict;
      if (result.error) brokerErrors.push(result.error);
      step = steps.next(verdict);
    }
    const { outcome, nextState } = step.value;
    if (brokerErrors.length > 0) outcome.errors = [...outcome.errors, ...brokerErrors];
    return { outcome, nextState, brokerMs };
  }

  return {
    current: () => persisted,

    async retryPending() {
      if (!unflushed || persisted.pending === null) return true;
      try {
        const r = await flushPending(persisted.pending, deps.parityLog, deps.comparisonLog);
        unflushed = false;
        logger.info({ scan_count: persisted.pending.scanCount, ...r }, 'pending records appended');
        return true;
      } catch (error) {
        logger.error({ err: (error as Error).message }, 'pending records still not appended');
        return false;
      }
    },

    async settle() {
      if (persisted.pending === null || unflushed) return;
      persisted = { ...persisted, pending: null };
      await deps.store.save(persisted);
    },

    async scan(tMs, haltRequested) {
      const started = deps.perfNowMs();
      const extraErrors: ScanError[] = [...carried];
      if (unflushed && !(await this.retryPending())) {
        return {
          ok: false,
          reason: 'log_unwritable',
          message: 'the previous scan records could not be appended; no new scan until they are',
        };
      }
      let engine = persisted.engine;
      if (deps.broker?.prepareScan !== undefined) {
        // Live: learn what happened to unresolved orders and book confirmed fills before deciding.
        try {
          const r = await deps.broker.prepareScan(engine, tMs);
          engine = r.engine;
          extraErrors.push(...r.errors);
        } catch (error) {
          logger.error({ err: (error as Error).message }, 'in-flight read-back failed; guard still holds');
          extraErrors.push({
            source: 'saxo',
            code: 'read_back_failed',
            message: `in-flight read-back failed: ${(error as Error).message}`,
          });
        }
      }
      let plan: SnapshotPlan;
      try {
        plan = planSnapshot(engine, deps.run, tMs);
      } catch (error) {
        return { ok: false, reason: 'engine_error', message: (error as Error).message };
      }
      const f0 = deps.perfNowMs();
      let snapshot: MarketSnapshot;
      try {
        snapshot = await deps.market.fetchScanSnapshot(plan);
      } catch (error) {
        logger.error({ err: (error as Error).message }, 'snapshot fetch failed as a whole');
        snapshot = emptySnapshot(plan, error);
      }
      const fetchMs = deps.perfNowMs() - f0;

      const d0 = deps.perfNowMs();
      let decided: Awaited<ReturnType<typeof decide>>;
      try {
        decided = await decide(snapshot, engine, tMs, haltRequested, extraErrors);
      } catch (error) {
        logger.error({ err: (error as Error).message }, 'engine failed; scan not recorded');
        return { ok: false, reason: 'engine_error', message: (error as Error).message };
      }
      const decideMs = deps.perfNowMs() - d0 - decided.brokerMs;
      const { outcome, nextState } = decided;

      const parity: Record<string, unknown>[] = outcome.breakerChanges.map((c) =>
        toBreakerRecord(c, outcome, deps.ctx),
      );
      const durationMs = deps.perfNowMs() - started;
      parity.push(toScanRecord(outcome, deps.ctx, durationMs));
      const comparison =
        deps.comparisonLog !== null && outcome.scanCount % deps.comparisonEvery === 0
          ? toComparisonRecord(outcome)
          : null;
      const next: PersistedState = {
        ...persisted,
        engine: nextState,
        pending: { scanCount: outcome.scanCount, parity, comparison },
        savedAt: outcome.ts,
      };

      const p0 = deps.perfNowMs();
      try {
        await deps.store.save(next);
      } catch (error) {
        logger.error(
          { err: (error as Error).message, scan_count: outcome.scanCount },
          'state not written: scan discarded, nothing recorded',
        );
        return { ok: false, reason: 'state_unwritable', message: (error as Error).message };
      }
      persisted = next;
      unflushed = true;
      carried = [];
      const persistMs = deps.perfNowMs() - p0;

      const a0 = deps.perfNowMs();
      try {
        for (const record of parity) await deps.parityLog.append(record as ParityRecord);
        if (comparison !== null && deps.comparisonLog !== null) {
          await deps.comparisonLog.append(comparison as ParityRecord);
        }
        unflushed = false;
      } catch (error) {
        // The state holds the records: the next scan (or the next start) appends what is missing.
        logger.error(
          { err: (error as Error).message, scan_count: outcome.scanCount },
          'parity log append failed',
        );
      }
      const appendMs = deps.perfNowMs() - a0;
      for (const c of outcome.breakerChanges) {
        logger.warn(
          { scenario: c.scenario, from: c.from, to: c.to, cause: c.cause },
          'breaker level changed',
        );
      }
      return {
        ok: true,
        outcome,
        durationMs,
        timings: { fetchMs, decideMs, brokerMs: decided.brokerMs, persistMs, appendMs },
      };
    },
  };
}
