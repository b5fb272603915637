/**
 * What a run left on disk, reduced to what must be equal between an uninterrupted run and a run that
 * was killed and restarted, plus the checks that hold on any single run (continuity, intent ids,
 * no torn line).
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { type JsonRecord, ofKind, type RunDirs, readJsonFile, readJsonlFile } from './service.js';

/**
 * Fields that must differ between two processes over the same session: the process's identity
 * (`run_id`, a UUID per process) and the wall time a scan took (`duration_ms`). Scan and breaker
 * records are compared without them; comparison records carry neither and are compared whole.
 * `startup` and `shutdown` records are per process (one startup per start, a shutdown only on a
 * clean stop) and are counted, not compared.
 */
export const PER_PROCESS_FIELDS = ['run_id', 'duration_ms'] as const;

const strip = (r: JsonRecord): JsonRecord =>
  Object.fromEntries(
    Object.entries(r).filter(([k]) => !(PER_PROCESS_FIELDS as readonly string[]).includes(k)),
  );

export interface EngineView {
  scanCount: number;
  lastScanAt: string | null;
  global: unknown;
  scenarios: Record<string, JsonRecord>;
}

export interface StateView {
  engine: EngineView;
  pending: unknown;
  configHash: string;
  scanIntervalSec: number;
  savedAt: string;
}

export interface RunView {
  /** Scan records without the per-process fields, in log order. */
  scans: JsonRecord[];
  /** Breaker records without the per-process fields, in log order. */
  breakers: JsonRecord[];
  comparisons: JsonRecord[];
  startups: number;
  shutdowns: JsonRecord[];
  /** Lines of the parity log that are not JSON objects. */
  badLines: string[];
  tornTail: boolean;
  /** `<log>.torn-*` files: torn tails the writer moved aside at a start. */
  tornFiles: string[];
  /** Temp files of interrupted atomic writes left in the state directory. */
  leftoverTempFiles: string[];
  state: StateView | null;
}

export async function viewRun(dirs: RunDirs): Promise<RunView> {
  const log = await readJsonlFile(dirs.parityLog);
  const comparisons = await readJsonlFile(dirs.comparisonLog);
  const logFiles = await readdir(dirname(dirs.parityLog)).catch(() => [] as string[]);
  const stateFiles = await readdir(dirs.stateDir).catch(() => [] as string[]);
  return {
    scans: ofKind(log.records, 'scan').map(strip),
    breakers: ofKind(log.records, 'breaker').map(strip),
    comparisons: comparisons.records,
    startups: ofKind(log.records, 'startup').length,
    shutdowns: ofKind(log.records, 'shutdown'),
    badLines: [...log.badLines, ...comparisons.badLines],
    tornTail: log.tornTail || comparisons.tornTail,
    tornFiles: logFiles.filter((f) => f.startsWith(`${basename(dirs.parityLog)}.torn-`)),
    leftoverTempFiles: stateFiles.filter((f) => f.endsWith('.tmp')),
    state: await readJsonFile<StateView>(dirs.statePath),
  };
}

/** Per scenario: what the books and breakers hold at the end (a readable digest of the engine state). */
export function bookDigest(state: StateView | null): Record<string, JsonRecord> {
  const out: Record<string, JsonRecord> = {};
  for (const [id, s] of Object.entries(state?.engine.scenarios ?? {})) {
    out[id] = {
      open: (s.open as unknown[]).length,
      tradeCount: s.tradeCount,
      closedCount: s.closedCount,
      realizedPnl: s.realizedPnl,
      breaker: (s.breaker as { level: string }).level,
    };
  }
  return out;
}

/** `scan_count` must run 1, 2, 3 … with no gap and no repeat. */
export function scanCountProblems(scans: readonly JsonRecord[]): string[] {
  const problems: string[] = [];
  const seen = new Set<number>();
  scans.forEach((s, i) => {
    const n = s.scan_count as number;
    if (seen.has(n)) problems.push(`scan_count ${n} appears twice`);
    seen.add(n);
    if (n !== i + 1) problems.push(`record ${i + 1} has scan_count ${n}`);
  });
  return problems;
}

interface Decision {
  scenario: string;
  underlying: string;
  expiry: string;
  short_strike: number;
  long_strike: number;
  status: string;
  intent_id: string;
}

/** Statuses after which the decision exists (filled on paper, prechecked ok, sent, proposed). */
const TAKEN = new Set(['paper_filled', 'precheck_ok', 'proposed', 'submitted', 'filled']);
/** Statuses after which the same decision may be proposed again with the same id. */
const NOT_TAKEN = new Set(['precheck_rejected', 'rejected', 'blocked']);

export interface IntentAudit {
  /** Distinct intent ids over the run. */
  distinct: number;
  /** Occurrences of an id already seen, each a re-proposal after `precheck_rejected`/`rejected`/`blocked`. */
  reproposals: number;
  /** Of those, re-proposals after a rejected precheck. */
  afterRejectedPrecheck: number;
  /** Ids taken (filled, prechecked ok …) more than once, or shared by distinct decisions. */
  violations: string[];
}

/**
 * An intent id names one decision (scenario, legs, side, position sequence). It may appear on several
 * scans only while that decision is not taken: a rejected precheck or a blocked candidate is proposed
 * again on the next scan with the same id. Once taken, the id never appears again (the next entry has a
 * new sequence number). Within one scan an id appears once.
 */
export function auditIntentIds(scans: readonly JsonRecord[]): IntentAudit {
  const byId = new Map<string, { key: string; taken: number; lastStatus: string }>();
  const violations: string[] = [];
  let reproposals = 0;
  let afterRejectedPrecheck = 0;
  for (const scan of scans) {
    const inScan = new Set<string>();
    const decisions = [
      ...((scan.entries_proposed ?? []) as Decision[]).map((d) => ({ d, side: 'open' })),
      ...((scan.exits_proposed ?? []) as Decision[]).map((d) => ({ d, side: 'close' })),
    ];
    for (const { d, side } of decisions) {
      const key = `${d.scenario}|${d.underlying}|${d.expiry}|${d.short_strike}|${d.long_strike}|${side}`;
      if (inScan.has(d.intent_id))
        violations.push(`scan ${scan.scan_count}: ${d.intent_id} twice in one scan`);
      inScan.add(d.intent_id);
      const prior = byId.get(d.intent_id);
      if (prior === undefined) {
        byId.set(d.intent_id, { key, taken: TAKEN.has(d.status) ? 1 : 0, lastStatus: d.status });
        continue;
      }
      if (prior.key !== key)
        violations.push(
          `scan ${scan.scan_count}: ${d.intent_id} names two decisions (${prior.key} / ${key})`,
        );
      if (!NOT_TAKEN.has(prior.lastStatus))
        violations.push(
          `scan ${scan.scan_count}: ${d.intent_id} proposed again after ${prior.lastStatus} (a duplicate decision)`,
        );
      reproposals++;
      if (prior.lastStatus === 'precheck_rejected') afterRejectedPrecheck++;
      if (TAKEN.has(d.status)) prior.taken++;
      if (prior.taken > 1) violations.push(`scan ${scan.scan_count}: ${d.intent_id} taken twice`);
      prior.lastStatus = d.status;
    }
  }
  return { distinct: byId.size, reproposals, afterRejectedPrecheck, violations };
}
