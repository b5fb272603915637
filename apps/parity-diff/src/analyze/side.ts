/**
 * Everything one side of a comparison accumulates on its own (continuity, per-date counts, errors
 * trend, breaker escalations, equity buckets), and the projection of each record to a compact scan
 * summary.
 */
import type { BadLine, BreakerRecord, ComparisonRecord, ParityLogEntry, ScanRecord } from '@aegis/parity-log';
import { nyMinuteOfDay, tradeDateOf } from '@aegis/strategy-core';
import type { SideName } from './matcher.js';
import { BlockSums, Examples } from './series.js';
import { type ScanSummary, summarizeScan } from './summary.js';

export interface Where {
  file: string;
  line: number;
}

export interface ContinuityIssue {
  kind: 'gap' | 'repeat' | 'backwards';
  runId: string;
  previous: number;
  next: number;
  ts: string;
  at: Where;
}

export interface Restart {
  fromRun: string;
  toRun: string;
  lastScanCount: number;
  nextScanCount: number;
  ts: string;
}

export interface Escalation {
  scenario: string;
  from: string;
  to: string;
  cause: string;
  ts: string;
  at: Where;
}

export interface EquityPoint {
  tsMs: number;
  tradeDate: string;
  bucketStart: string;
  scenarios: Map<string, { equity: number; tradeCount: number }>;
}

export interface DayCounts {
  scans: number;
  entries: number;
  exits: number;
}

export interface SideStats {
  side: SideName;
  path: string;
  files: string[];
  bytes: number;
  records: { scan: number; breaker: number; comparison: number; startup: number; shutdown: number };
  badLines: Examples<BadLine>;
  otherVersion: Examples<Where & { schemaVersion: unknown; recordKind: unknown }>;
  firstTsMs: number | null;
  lastTsMs: number | null;
  continuity: Examples<ContinuityIssue>;
  restarts: Examples<Restart>;
  perDate: Map<string, DayCounts>;
  errorCounts: BlockSums;
  escalations: Examples<Escalation>;
  unmatched: Examples<{ ts: string; scanCount: number; at: Where }>;
  outOfOrder: number;
  equity: Map<string, EquityPoint>;
}

export interface SideOptions {
  side: SideName;
  path: string;
  files: string[];
  bytes: number;
  intervalMinutes: number;
  want: { scans: boolean; equity: boolean };
}

const LEVEL_NAMES = ['ok', 'warn', 'reduce_only', 'halted'];
const LEVEL_RANK: Record<string, number> = { ok: 0, warn: 1, reduce_only: 2, halted: 3 };
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

export function newSideStats(o: Pick<SideOptions, 'side' | 'path' | 'files' | 'bytes'>): SideStats {
  return {
    side: o.side,
    path: o.path,
    files: o.files,
    bytes: o.bytes,
    records: { scan: 0, breaker: 0, comparison: 0, startup: 0, shutdown: 0 },
    badLines: new Examples(20),
    otherVersion: new Examples(10),
    firstTsMs: null,
    lastTsMs: null,
    continuity: new Examples(20),
    restarts: new Examples(20),
    perDate: new Map(),
    errorCounts: new BlockSums(),
    escalations: new Examples(20),
    unmatched: new Examples(10),
    outOfOrder: 0,
    equity: new Map(),
  };
}

export interface SideAccumulator {
  stats: SideStats;
  /** Accounts for a record and returns its scan summary (scan records) or undefined. */
  project(entry: ParityLogEntry): ScanSummary | undefined;
}

export function createSideAccumulator(o: SideOptions): SideAccumulator {
  const st = newSideStats(o);
  const fileIndexOf = new Map(o.files.map((f, i) => [f, i] as const));
  let lastRun: string | null = null;
  let lastCount = 0;
  const byRun = new Map<string, number>();
  const levels = new Map<string, number>();
  const where = (fileIndex: number, line: number): Where => ({ file: st.files[fileIndex] ?? '', line });

  const onScan = (r: ScanRecord, fileIndex: number, line: number): ScanSummary => {
    const tsMs = Date.parse(r.ts);
    st.records.scan++;
    if (st.firstTsMs === null) st.firstTsMs = tsMs;
    st.lastTsMs = tsMs;
    // Continuity per run; a change of run id is a restart (listed, not a failure).
    const prev = byRun.get(r.run_id);
    if (prev !== undefined && r.scan_count !== prev + 1) {
      st.continuity.add(() => ({
        kind: r.scan_count > prev + 1 ? 'gap' : r.scan_count === prev ? 'repeat' : 'backwards',
        runId: r.run_id,
        previous: prev,
        next: r.scan_count,
        ts: r.ts,
        at: where(fileIndex, line),
      }));
    }
    byRun.set(r.run_id, r.scan_count);
    if (lastRun !== null && lastRun !== r.run_id) {
      const from = lastRun;
      const last = lastCount;
      st.restarts.add(() => ({
        fromRun: from,
        toRun: r.run_id,
        lastScanCount: last,
        nextScanCount: r.scan_count,
        ts: r.ts,
      }));
    }
    lastRun = r.run_id;
    lastCount = r.scan_count;
    let day = st.perDate.get(r.trade_date);
    if (!day) {
      day = { scans: 0, entries: 0, exits: 0 };
      st.perDate.set(r.trade_date, day);
    }
    day.scans++;
    day.entries += r.entries_proposed.length;
    day.exits += r.exits_proposed.length;
    st.errorCounts.push(r.errors.length);
    // Breaker levels in scan records: a rise to reduce_only or above is an escalation.
    const seeLevel = (scenario: string, level: string) => {
      const rank = LEVEL_RANK[level] ?? 0;
      const before = levels.get(scenario) ?? 0;
      if (rank === before) return;
      levels.set(scenario, rank);
      if (rank >= 2 && before < 2) {
        st.escalations.add(() => ({
          scenario,
          from: LEVEL_NAMES[before] ?? 'ok',
          to: level,
          cause: 'scan record circuit_breaker',
          ts: r.ts,
          at: where(fileIndex, line),
        }));
      }
    };
    seeLevel('global', r.circuit_breaker.global);
    const scenarios = r.circuit_breaker.scenarios;
    for (const id in scenarios) seeLevel(id, scenarios[id]!);
    return summarizeScan(r, tsMs, fileIndex, line);
  };

  const onBreaker = (r: BreakerRecord, fileIndex: number, line: number) => {
    st.records.breaker++;
    const to = LEVEL_RANK[r.to] ?? 0;
    // The scan records that follow show the same level: remember it so they do not count it again.
    levels.set(r.scenario, to);
    if (to >= 2 && (LEVEL_RANK[r.from] ?? 0) < to) {
      st.escalations.add({
        scenario: r.scenario,
        from: r.from,
        to: r.to,
        cause: r.cause,
        ts: r.ts,
        at: where(fileIndex, line),
      });
    }
  };

  const interval = o.intervalMinutes;
  const onComparison = (r: ComparisonRecord) => {
    st.records.comparison++;
    const tsMs = Date.parse(r.ts);
    const date = tradeDateOf(tsMs);
    const startMinute = Math.floor(nyMinuteOfDay(tsMs) / interval) * interval;
    const key = `${date} ${pad2(Math.floor(startMinute / 60))}:${pad2(startMinute % 60)}`;
    const existing = st.equity.get(key);
    if (existing && existing.tsMs > tsMs) return;
    const scenarios = new Map<string, { equity: number; tradeCount: number }>();
    for (const s of r.scenarios) scenarios.set(s.scenario, { equity: s.equity, tradeCount: s.trade_count });
    st.equity.set(key, { tsMs, tradeDate: date, bucketStart: key, scenarios });
  };

  let lastFile = '';
  let fileIndex = -1;
  return {
    stats: st,
    project({ record, file, line }) {
      if (file !== lastFile) {
        lastFile = file;
        fileIndex = fileIndexOf.get(file) ?? -1;
      }
      switch (record.record_kind) {
        case 'scan':
          return o.want.scans ? onScan(record, fileIndex, line) : undefined;
        case 'breaker':
          onBreaker(record, fileIndex, line);
          return undefined;
        case 'comparison':
          if (o.want.equity) onComparison(record);
          return undefined;
        case 'startup':
          st.records.startup++;
          return undefined;
        case 'shutdown':
          st.records.shutdown++;
          return undefined;
      }
      return undefined;
    },
  };
}
