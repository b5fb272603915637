/**
 * Maps the engine's outcome to the parity and comparison log records of schema version 1
 * (snake_case, prices to the cent, greeks to 4 decimals, VIX and underlying prices to 2).
 */
import type {
  BreakerChange,
  EntryDecision,
  ExitDecision,
  ScanError,
  ScanOutcome,
} from '@aegis/strategy-core';

/** Rounds half away from zero to `decimals`; the nudge keeps binary noise (1.005) from losing a unit. */
export function roundTo(value: number, decimals: number): number {
  if (!Number.isFinite(value)) throw new Error(`cannot round a non-finite number (${value})`);
  const f = 10 ** decimals;
  const scaled = Math.abs(value) * f;
  const r = Math.round(scaled + 1e-7) / f;
  return value < 0 && r !== 0 ? -r : r;
}
const cents = (v: number) => roundTo(v, 2);
const greek = (v: number) => roundTo(v, 4);
/** Strikes keep up to 4 decimals (index strikes such as 5412.5 stay as written). */
const strike = (v: number) => roundTo(v, 4);

export interface RecordContext {
  runId: string;
  /** `scan-cycle/<version>` */
  source: string;
  mode: 'dry-run' | 'live';
}

function entryRecord(e: EntryDecision) {
  return {
    scenario: e.scenario,
    underlying: e.underlying,
    option_type: e.optionType,
    expiry: e.expiry,
    short_strike: strike(e.shortStrike),
    long_strike: strike(e.longStrike),
    quantity: e.quantity,
    credit: cents(e.credit),
    short_delta: greek(e.shortDelta),
    status: e.status,
    reason: e.reason,
    intent_id: e.intentId,
  };
}

function exitRecord(e: ExitDecision) {
  return {
    scenario: e.scenario,
    underlying: e.underlying,
    option_type: e.optionType,
    expiry: e.expiry,
    short_strike: strike(e.shortStrike),
    long_strike: strike(e.longStrike),
    quantity: e.quantity,
    debit: cents(e.debit),
    close_reason: e.closeReason,
    status: e.status,
    reason: e.reason,
    intent_id: e.intentId,
  };
}

function errorRecord(e: ScanError) {
  return {
    source: e.source,
    code: e.code,
    message: e.message,
    ...(e.underlying === undefined ? {} : { underlying: e.underlying }),
    ...(e.scenario === undefined ? {} : { scenario: e.scenario }),
  };
}

export type ScanRecordV1 = ReturnType<typeof toScanRecord>;

/** SPEC 6.1 scan record, fields in the documented order. */
export function toScanRecord(outcome: ScanOutcome, ctx: RecordContext, durationMs: number) {
  const underlyings: Record<string, { price: number }> = {};
  for (const [symbol, u] of Object.entries(outcome.underlyings))
    underlyings[symbol] = { price: cents(u.price) };
  return {
    schema_version: 1 as const,
    record_kind: 'scan' as const,
    ts: outcome.ts,
    trade_date: outcome.tradeDate,
    scan_count: outcome.scanCount,
    run_id: ctx.runId,
    source: ctx.source,
    mode: ctx.mode,
    vix: outcome.vix === null ? null : cents(outcome.vix),
    underlyings,
    entries_proposed: outcome.decisions.entries.map(entryRecord),
    exits_proposed: outcome.decisions.exits.map(exitRecord),
    errors: outcome.errors.map(errorRecord),
    circuit_breaker: { global: outcome.breaker.global, scenarios: { ...outcome.breaker.scenarios } },
    duration_ms: Math.max(0, Math.round(durationMs)),
  };
}

/** A breaker level change. `scan_count` (an extra field readers ignore) lets a restart find it in the log tail. */
export function toBreakerRecord(change: BreakerChange, outcome: ScanOutcome, ctx: RecordContext) {
  return {
    schema_version: 1 as const,
    record_kind: 'breaker' as const,
    ts: outcome.ts,
    trade_date: outcome.tradeDate,
    scenario: change.scenario,
    from: change.from,
    to: change.to,
    cause: change.cause,
    scan_count: outcome.scanCount,
    run_id: ctx.runId,
  };
}

/** SPEC 6.2 comparison record (batch = scans since the scenario set started, as scan_count). */
export function toComparisonRecord(outcome: ScanOutcome) {
  return {
    schema_version: 1 as const,
    record_kind: 'comparison' as const,
    ts: outcome.ts,
    trade_date: outcome.tradeDate,
    batch: outcome.scanCount,
    scan_count: outcome.scanCount,
    scenarios: outcome.summaries.map((s) => ({
      scenario: s.scenario,
      equity: cents(s.equity),
      realized_pnl: cents(s.realizedPnl),
      unrealized_pnl: cents(s.unrealizedPnl),
      open_positions: s.openPositions,
      trade_count: s.tradeCount,
      closed_count: s.closedCount,
      breaker: s.breaker,
    })),
  };
}

export function toStartupRecord(args: {
  ts: string;
  tradeDate: string;
  ctx: RecordContext;
  version: string;
  configHash: string;
  scenarioIds: string[];
  flags: Record<string, unknown>;
  resumedScanCount: number;
}) {
  return {
    schema_version: 1 as const,
    record_kind: 'startup' as const,
    ts: args.ts,
    trade_date: args.tradeDate,
    run_id: args.ctx.runId,
    source: args.ctx.source,
    version: args.version,
    mode: args.ctx.mode,
    config_hash: args.configHash,
    scenario_ids: args.scenarioIds,
    flags: args.flags,
    resumed_scan_count: args.resumedScanCount,
  };
}

export function toShutdownRecord(args: {
  ts: string;
  tradeDate: string;
  ctx: RecordContext;
  reason: string;
  scanCount: number;
  scansThisRun: number;
}) {
  return {
    schema_version: 1 as const,
    record_kind: 'shutdown' as const,
    ts: args.ts,
    trade_date: args.tradeDate,
    run_id: args.ctx.runId,
    source: args.ctx.source,
    reason: args.reason,
    scan_count: args.scanCount,
    scans_this_run: args.scansThisRun,
  };
}
