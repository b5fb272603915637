/**
 * `scan-cycle run`: validate everything that can be validated before any I/O, take the state lock,
 * recover, reconcile (live), then loop until told to stop, and leave the state and logs settled.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { openParityLogWriter, type ParityLogWriter, type ParityRecord } from '@aegis/parity-log';
import {
  alignState,
  type EngineState,
  initialState,
  isSessionOpen,
  type ScanError,
  toIsoUtc,
  tradeDateOf,
} from '@aegis/strategy-core';
import type { Logger } from 'pino';
import { type BrokerPort, reconcilePositions } from './broker.js';
import type { RunOptions } from './cli.js';
import { createRealClock, createVirtualClock, type LoopClock } from './clock.js';
import { composeBroker, composeMarket, createAgent, venueOfOriginFn } from './compose.js';
import { type EffectiveRun, loadEffectiveRun } from './config.js';
import { createCycle, flushPending, type MarketPort } from './cycle.js';
import { type ScanCycleEnv, validateEnv } from './env.js';
import { ExitError } from './errors.js';
import { createScanMetrics, type HealthState, startHealthServer } from './health.js';
import { validateLiveApproval } from './live/approval.js';
import { type FileIntentJournal, openIntentJournal } from './live/journal.js';
import { createRootLogger } from './logger.js';
import { type LoopResult, runLoop } from './loop.js';
import { type RecordContext, toShutdownRecord, toStartupRecord } from './records.js';
import { removeStaleTempFiles } from './state/atomic.js';
import { acquireStateLock } from './state/lock.js';
import { createStateStore, type PersistedState } from './state/store.js';
import { VERSION } from './version.js';

export interface RunHooks {
  /** Root logger to use instead of one built from the environment (the demo's file logger). */
  logger?: Logger;
  /** Wraps the market port (the bench measures fetch time through it). */
  wrapMarket?: (market: MarketPort) => MarketPort;
  /** Stop at the end of the first session scanned (the demo's one trading day). */
  stopAtSessionEnd?: boolean;
  /** Abort to stop the loop (in-process callers); signals are wired by `main`. */
  signal?: AbortSignal;
  /** Progress after each scan. */
  onScan?: Parameters<typeof runLoop>[0]['onScan'];
  /** Skip the health server (in-process demo and bench). */
  noHealthServer?: boolean;
}

export interface RunSummary {
  result: LoopResult;
  state: PersistedState;
  effective: EffectiveRun;
  runId: string;
  healthAddr: { host: string; port: number } | null;
}

/** Validates the environment for `options`; exit 2 listing every problem. */
export function requireEnv(vars: Record<string, string | undefined>, options: RunOptions): ScanCycleEnv {
  const result = validateEnv(vars, options);
  if (!result.ok) {
    throw new ExitError(
      2,
      [
        `environment: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`,
        ...result.problems.map((p) => `  ${p.variable}: ${p.problem}`),
      ].join('\n'),
    );
  }
  return result.env;
}

function effectiveFlags(options: RunOptions, effective: EffectiveRun): Record<string, unknown> {
  return {
    config: options.configFile,
    scenario_multi_yaml: options.multiYaml,
    state_dir: options.stateDir,
    parity_log: options.parityLog,
    comparison_log: effective.comparisonLogPath,
    mode: options.mode,
    scan_interval_sec: effective.intervalSec,
    market:
      options.market.kind === 'polygon'
        ? 'polygon'
        : options.market.kind === 'sim'
          ? `sim:${options.market.seed}`
          : `replay:${options.market.dir}`,
    broker: options.broker,
    saxo_env: options.saxoEnv,
    saxo_token_file: options.saxoTokenFile,
    once: options.once,
    record_market: options.recordMarket,
    health_addr: `${options.healthAddr.host}:${options.healthAddr.port}`,
    live_approval: options.liveApproval,
    clock: options.clock.kind === 'real' ? 'real' : `virtual:${options.clock.startIso}`,
    max_scans: options.maxScans,
  };
}

async function openLog(path: string, logger: Logger): Promise<ParityLogWriter> {
  await mkdir(dirname(path), { recursive: true });
  return openParityLogWriter(path, { fsync: 'always', logger });
}

/** Startup reconciliation (live): any difference halts the live-capable scenario and says what differs. */
async function reconcileAtStartup(
  engine: EngineState,
  liveId: string,
  client: NonNullable<Awaited<ReturnType<typeof composeBroker>>['client']>,
  logger: Logger,
  nowMs: number,
): Promise<{ engine: EngineState; halted: string | null }> {
  const scenario = engine.scenarios[liveId];
  if (scenario === undefined) return { engine, halted: null };
  let cause: string | null = null;
  try {
    const positions = await client.readPositions();
    const differences = reconcilePositions(scenario.open, positions);
    if (differences.length > 0) {
      cause = `reconciliation mismatch: ${differences.map((d) => d.detail).join('; ')}`;
    } else {
      logger.info(
        { scenario: liveId, open: scenario.open.length },
        'startup reconciliation: broker matches the book',
      );
    }
  } catch (error) {
    cause = `reconciliation impossible: ${(error as Error).message}`;
  }
  if (cause === null) return { engine, halted: null };
  logger.error({ scenario: liveId, cause }, 'live-capable scenario halted (fail closed)');
  return {
    engine: {
      ...engine,
      scenarios: {
        ...engine.scenarios,
        [liveId]: { ...scenario, breaker: { level: 'halted', tradeDate: tradeDateOf(nowMs), cause } },
      },
    },
    halted: cause,
  };
}

export async function runService(
  options: RunOptions,
  envVars: Record<string, string | undefined>,
  hooks: RunHooks = {},
): Promise<RunSummary> {
  // 1. Everything checkable without I/O on the state: environment, then configuration.
  const env = requireEnv(envVars, options);
  const effective = loadEffectiveRun(options);
  const approval =
    options.mode === 'live' ? await validateLiveApproval(options.liveApproval, Date.now()) : null;
  if (options.mode === 'live' && effective.liveCapableId === null) {
    throw new ExitError(2, 'live mode needs a scenario with role live_capable in the configuration');
  }

  const logger =
    hooks.logger ?? createRootLogger({ level: env.logLevel, pretty: process.stdout.isTTY === true });
  const log = logger.child({ component: 'scan-cycle' });
  const runId = randomUUID();
  const ctx: RecordContext = { runId, source: `scan-cycle/${VERSION}`, mode: options.mode };

  // 2. The state directory: lock first, so no second writer ever touches state or logs.
  const store = await createStateStore(options.stateDir);
  const lock = await acquireStateLock(options.stateDir, VERSION, new Date().toISOString());
  if (lock.tookOver) log.warn({ stale_holder: lock.tookOver }, 'took over the stale lock of a dead process');
  const staleTemps = await removeStaleTempFiles(options.stateDir);
  if (staleTemps.length > 0)
    log.warn({ files: staleTemps }, 'removed temp files of an interrupted state write');

  const cleanups: Array<() => Promise<void>> = [() => lock.release()];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
  };

  try {
    const loaded = await store.load();
    const parityLog = await openLog(options.parityLog, logger.child({ component: 'parity-log' }));
    cleanups.push(() => parityLog.close());
    const comparisonLog =
      effective.comparisonLogPath === null
        ? null
        : await openLog(effective.comparisonLogPath, logger.child({ component: 'parity-log' }));
    if (comparisonLog !== null) cleanups.push(() => comparisonLog.close());

    let persisted: PersistedState;
    if (loaded === null) {
      persisted = {
        format: 'aegis-scan-cycle-state',
        version: 1,
        configHash: effective.configHash,
        scenarioIds: effective.scenarioIds,
        scanIntervalSec: effective.intervalSec,
        engine: initialState(effective.run),
        pending: null,
        savedAt: new Date().toISOString(),
      };
    } else {
      if (loaded.configHash !== effective.configHash) {
        log.warn(
          { previous: loaded.configHash, now: effective.configHash },
          'configuration changed since the last run',
        );
      }
      persisted = {
        ...loaded,
        configHash: effective.configHash,
        scenarioIds: effective.scenarioIds,
        scanIntervalSec: effective.intervalSec,
        engine: alignState(loaded.engine, effective.run),
      };
      // 3. Exactly once: whatever the last completed scan left unappended goes in now.
      if (loaded.pending !== null) {
        const r = await flushPending(loaded.pending, parityLog, comparisonLog);
        log.info({ scan_count: loaded.pending.scanCount, ...r }, 'recovered the last scan records');
        persisted = { ...persisted, pending: null };
      }
    }
    await store.save(persisted);

    // 4. Clock: a virtual clock resumes the same timeline after a restart.
    let clock: LoopClock;
    let firstScanMs: number;
    const replayDir = options.market.kind === 'replay';
    const lastScanMs = persisted.engine.lastScanAt === null ? null : Date.parse(persisted.engine.lastScanAt);
    const virtual = options.clock.kind === 'virtual' || replayDir;
    const agent = createAgent();
    cleanups.push(() => agent.close());
    const virtualClock = createVirtualClock(options.clock.kind === 'virtual' ? options.clock.startMs : 0);
    clock = virtual ? virtualClock : createRealClock();

    const metrics = createScanMetrics();
    const market = await composeMarket({
      choice: options.market,
      env,
      agent,
      logger,
      nowMs: () => clock.nowMs(),
      recordDir: options.recordMarket,
    });
    cleanups.push(() => market.close());
    if (virtual) {
      const start =
        lastScanMs !== null
          ? lastScanMs + effective.intervalSec * 1000
          : options.clock.kind === 'virtual'
            ? options.clock.startMs
            : (market.replaySpan?.fromMs ?? Date.now());
      virtualClock.set(start);
      firstScanMs = start;
    } else {
      firstScanMs = Date.now();
    }

    const journal: FileIntentJournal | null =
      options.mode === 'live' ? await openIntentJournal(options.stateDir) : null;
    const broker = await composeBroker({
      choice: options.broker,
      mode: options.mode,
      env,
      stateDir: options.stateDir,
      tokenFileFlag: options.saxoTokenFile,
      agent,
      logger,
      journal,
      ...(options.mode === 'live' && effective.liveCapableId !== null
        ? { live: { run: effective.run, scenario: effective.liveCapableId } }
        : {}),
    });
    cleanups.push(() => broker.close());
    const unwatch = metrics.watchHttp(venueOfOriginFn(market.origin, broker.origin));
    cleanups.push(async () => unwatch());

    // 5. Live: fail-closed reconciliation before the first order can be sent.
    let reconcileHalt: string | null = null;
    let reconcileRecord: ParityRecord | null = null;
    let startupErrors: ScanError[] = [];
    if (options.mode === 'live' && broker.client !== null && effective.liveCapableId !== null) {
      const liveId = effective.liveCapableId;
      const before = persisted.engine.scenarios[liveId]?.breaker.level ?? 'ok';
      // The previous process is dead (we hold the lock): learn what its unresolved orders became and
      // book the fills the broker confirms, so reconciliation judges only real differences.
      if (broker.port?.prepareScan !== undefined) {
        try {
          const resolved = await broker.port.prepareScan(persisted.engine, clock.nowMs(), {
            settle: { wallNowMs: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
          });
          startupErrors = resolved.errors;
          if (resolved.adopted.length > 0 || resolved.inFlight.length > 0 || resolved.waitedMs > 0) {
            log.info(
              {
                scenario: liveId,
                adopted: resolved.adopted,
                still_in_flight: resolved.inFlight,
                waited_ms: resolved.waitedMs,
              },
              'startup read-back of in-flight intents',
            );
          }
          if (resolved.adopted.length > 0) {
            persisted = { ...persisted, engine: resolved.engine };
            await store.save(persisted);
          }
        } catch (error) {
          // Reconciliation below still fails closed on whatever this left unexplained.
          log.error({ err: (error as Error).message }, 'startup read-back of in-flight intents failed');
        }
      }
      const r = await reconcileAtStartup(persisted.engine, liveId, broker.client, log, clock.nowMs());
      reconcileHalt = r.halted;
      persisted = { ...persisted, engine: r.engine };
      await store.save(persisted);
      if (r.halted !== null && before !== 'halted') {
        const nowMs = clock.nowMs();
        reconcileRecord = {
          schema_version: 1,
          record_kind: 'breaker',
          ts: toIsoUtc(nowMs),
          trade_date: tradeDateOf(nowMs),
          scenario: liveId,
          from: before,
          to: 'halted',
          cause: r.halted,
          run_id: runId,
        } as ParityRecord;
      }
    }

    const health: HealthState = {
      startedAtMs: clock.nowMs(),
      lastScanAtMs: lastScanMs,
      lastSuccessfulScanAtMs: lastScanMs,
      scanCount: persisted.engine.scanCount,
      sessionOpen: isSessionOpen(clock.nowMs(), effective.run.calendar),
      nextOpenMs: null,
      breakers: {
        global: persisted.engine.global.level,
        scenarios: Object.fromEntries(
          Object.entries(persisted.engine.scenarios).map(([id, s]) => [id, s.breaker.level]),
        ),
      },
      degradedReason: reconcileHalt,
      scanIntervalSec: effective.intervalSec,
    };
    let healthAddr: RunSummary['healthAddr'] = null;
    if (!hooks.noHealthServer) {
      const server = await startHealthServer({
        addr: options.healthAddr,
        metrics,
        health: () => health,
        nowMs: () => clock.nowMs(),
      });
      healthAddr = server.address;
      cleanups.push(() => server.close());
    }

    const nowIso = toIsoUtc(clock.nowMs());
    const startup = toStartupRecord({
      ts: nowIso,
      tradeDate: tradeDateOf(clock.nowMs()),
      ctx,
      version: VERSION,
      configHash: effective.configHash,
      scenarioIds: effective.scenarioIds,
      flags: {
        ...effectiveFlags(options, effective),
        ...(approval === null
          ? {}
          : { live_approval_by: approval.approvedBy, live_approval_at: approval.approvedAt }),
      },
      resumedScanCount: persisted.engine.scanCount,
    });
    await parityLog.append(startup as ParityRecord);
    if (reconcileRecord !== null) await parityLog.append(reconcileRecord);
    log.info(
      {
        run_id: runId,
        version: VERSION,
        mode: options.mode,
        config_hash: effective.configHash,
        scenarios: effective.scenarioIds,
        interval_sec: effective.intervalSec,
        parity_log: options.parityLog,
        comparison_log: effective.comparisonLogPath,
        state_dir: options.stateDir,
        health: healthAddr === null ? null : `http://${healthAddr.host}:${healthAddr.port}/healthz`,
        clock: clock.kind,
        first_scan_at: toIsoUtc(firstScanMs),
        resumed_scan_count: persisted.engine.scanCount,
      },
      'scan-cycle started',
    );

    const wrappedMarket = hooks.wrapMarket ? hooks.wrapMarket(market.market) : market.market;
    const brokerPort: BrokerPort | null = broker.port;
    const cycle = createCycle(
      {
        run: effective.run,
        ctx,
        market: wrappedMarket,
        broker: brokerPort,
        store,
        parityLog,
        comparisonLog,
        comparisonEvery: effective.run.comparisonEveryBatches,
        logger: log,
        perfNowMs: () => performance.now(),
        startupErrors,
      },
      persisted,
    );

    const controller = new AbortController();
    hooks.signal?.addEventListener('abort', () => controller.abort(), { once: true });
    if (hooks.signal?.aborted) controller.abort();
    const result = await runLoop({
      cycle,
      clock,
      calendar: effective.run.calendar,
      intervalSec: effective.intervalSec,
      firstScanMs,
      once: options.once,
      maxScans: options.maxScans,
      stopAtSessionEnd: hooks.stopAtSessionEnd ?? false,
      stopAfterMs: market.replaySpan?.toMs ?? null,
      signal: controller.signal,
      haltRequested: () => store.haltRequested(),
      logger: log,
      metrics,
      health,
      ...(hooks.onScan ? { onScan: hooks.onScan } : {}),
    });

    // 6. Settle: records appended, pending cleared, shutdown recorded.
    await cycle.retryPending();
    await cycle
      .settle()
      .catch((error: unknown) => log.error({ err: (error as Error).message }, 'final state write failed'));
    const final = cycle.current();
    const endMs = clock.nowMs();
    await parityLog
      .append(
        toShutdownRecord({
          ts: toIsoUtc(endMs),
          tradeDate: tradeDateOf(endMs),
          ctx,
          reason: result.detail === null ? result.reason : `${result.reason}: ${result.detail}`,
          scanCount: final.engine.scanCount,
          scansThisRun: result.scans,
        }) as ParityRecord,
      )
      .catch((error: unknown) => log.error({ err: (error as Error).message }, 'shutdown record not written'));
    log.info(
      {
        reason: result.reason,
        detail: result.detail,
        scans: result.scans,
        scan_count: final.engine.scanCount,
      },
      'scan-cycle stopped',
    );
    await cleanup();
    if (result.reason === 'fatal')
      throw new ExitError(1, result.detail ?? 'stopped: state or log not writable');
    return { result, state: final, effective, runId, healthAddr };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
