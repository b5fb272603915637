/** The fault suite, shared by the fast part and the sized campaign (which repeats it). */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { CampaignSize } from '../../bad-input/lib/harness.js';
import { scanCountProblems } from '../../crash/lib/oracle.js';
import {
  INTERVAL_MS,
  type JsonRecord,
  ofKind,
  removeTempRoots,
  reportSummary,
  tempRoot,
} from '../../crash/lib/service.js';
import { FAULT_SCHEDULE, type FaultRunResult, runFaultCampaign } from './fault-run.js';

interface ScanError {
  source: string;
  code: string;
  underlying?: string;
}
interface Decision {
  scenario: string;
  underlying: string;
  status: string;
  reason: string | null;
  close_reason?: string;
}

const UNDERLYINGS = ['SPY', 'QQQ', 'IWM'];
/** Exit reasons decided from marks; `expired`/`expiration_day` follow the calendar, not the quotes. */
const MARK_EXITS = new Set(['stop_loss', 'profit_target', 'dte_exit']);
const TAKEN = new Set(['paper_filled', 'precheck_ok', 'proposed']);

const errorsOf = (s: JsonRecord) => s.errors as ScanError[];
const entriesOf = (s: JsonRecord) => s.entries_proposed as Decision[];
const exitsOf = (s: JsonRecord) => s.exits_proposed as Decision[];
const globalOf = (s: JsonRecord) => (s.circuit_breaker as { global: string }).global;
const failedUnderlyings = (s: JsonRecord) =>
  new Set(
    errorsOf(s)
      .filter((e) => e.source === 'polygon' && e.underlying !== undefined)
      .map((e) => e.underlying),
  );
const allFailed = (s: JsonRecord) => UNDERLYINGS.every((u) => failedUnderlyings(s).has(u));

/** Every decision rule the fault campaign checks on one run; returns what went wrong. */
export function judgeFaultRun(r: FaultRunResult): { problems: string[]; facts: Record<string, number> } {
  const problems: string[] = [];
  const scans = r.scans;
  if (r.exitCode !== 0) problems.push(`service exited ${r.exitCode}: ${r.stderr.slice(-300)}`);
  problems.push(...scanCountProblems(scans));
  let staleRefusals = 0;
  for (const s of scans) {
    const failed = failedUnderlyings(s);
    for (const e of entriesOf(s))
      if (failed.has(e.underlying))
        problems.push(
          `scan ${s.scan_count}: entry ${e.scenario} ${e.underlying} ${e.status} while its fetch failed`,
        );
    for (const x of exitsOf(s))
      if (failed.has(x.underlying) && MARK_EXITS.has(x.close_reason ?? ''))
        problems.push(
          `scan ${s.scan_count}: ${x.close_reason} exit of ${x.scenario} ${x.underlying} on a stale mark`,
        );
    if (errorsOf(s).some((e) => e.code === 'vix_unavailable'))
      for (const e of entriesOf(s))
        if (TAKEN.has(e.status)) problems.push(`scan ${s.scan_count}: entry ${e.status} without a VIX`);
    if (failed.size > 0) staleRefusals++;
  }
  // Global breaker (SPEC 4.5): the 3rd scan in a row with every underlying failed is reduce_only, until a clean scan.
  let streak = 0;
  let escalations = 0;
  let recoveries = 0;
  for (const s of scans) {
    const prior = streak;
    streak = allFailed(s) ? streak + 1 : 0;
    const want = streak >= 3 ? 'reduce_only' : 'ok';
    if (globalOf(s) !== want)
      problems.push(
        `scan ${s.scan_count}: global breaker ${globalOf(s)} after ${streak} all-failed scans (want ${want})`,
      );
    if (streak === 3) escalations++;
    if (streak === 0 && prior >= 3) recoveries++;
  }
  const globalRecords = ofKind(r.log, 'breaker').filter((b) => b.scenario === 'global');
  if (globalRecords.filter((b) => b.to === 'reduce_only').length !== escalations)
    problems.push(`${escalations} escalations but ${globalRecords.length} global breaker records`);
  // Each injected fault was seen and recorded.
  const codes = new Set(scans.flatMap((s) => errorsOf(s).map((e) => `${e.source}:${e.code}`)));
  for (const code of [
    'polygon:rate_limited',
    'polygon:http_error',
    'polygon:malformed',
    'polygon:network',
    'polygon:cursor_loop',
    'polygon:not_found',
    'saxo:token_expired',
    'saxo:token_missing',
  ])
    if (!codes.has(code)) problems.push(`no scan recorded ${code}`);
  const served = new Set(r.polygon.requests.log.map((e) => e.fault).filter((f) => f !== null));
  for (const f of ['rate_limit', 'server_error', 'malformed', 'truncated'])
    if (!served.has(f)) problems.push(`the fake server never served ${f}`);
  // Recovery: entries resume after the last market fault; the broker answers again after the token faults.
  const lastMarketFault = Math.max(
    ...scans.filter((s) => failedUnderlyings(s).size > 0).map((s) => s.scan_count as number),
  );
  if (
    !scans.some(
      (s) => (s.scan_count as number) > lastMarketFault && entriesOf(s).some((e) => TAKEN.has(e.status)),
    )
  )
    problems.push('no entry filled after the last market fault');
  const lastTokenFault = Math.max(
    ...scans
      .filter((s) => errorsOf(s).some((e) => e.code.startsWith('token_')))
      .map((s) => s.scan_count as number),
  );
  const after = scans.filter((s) => (s.scan_count as number) > lastTokenFault);
  if (
    !after.some((s) =>
      entriesOf(s).some(
        (e) =>
          e.scenario === 'LT_RC' && !String(e.reason).startsWith('token_') && e.status.startsWith('precheck'),
      ),
    )
  )
    problems.push('the broker was not reached again after the token file came back');
  if (after.some((s) => errorsOf(s).some((e) => e.source === 'saxo')))
    problems.push('saxo errors after the token file came back');
  // Paper scenarios never depend on the broker.
  for (const s of scans)
    for (const e of entriesOf(s))
      if (e.scenario !== 'LT_RC' && e.status.startsWith('precheck'))
        problems.push(`scan ${s.scan_count}: paper ${e.scenario} went to the broker`);
  // Disk full: the append failed, the records stayed pending, nothing was half-written or lost.
  if (!/parity log append failed/.test(r.stdout))
    problems.push('no failed append was logged during the disk-full phase');
  const gaps = scans
    .slice(1)
    .filter((s, i) => Date.parse(s.ts as string) - Date.parse(scans[i]?.ts as string) !== INTERVAL_MS);
  if (gaps.length !== 1)
    problems.push(
      `expected exactly one skipped scan instant (the scan refused while the log was unwritable), got ${gaps.length}`,
    );
  return {
    problems,
    facts: {
      scans: scans.length,
      staleRefusals,
      escalations,
      recoveries,
      serverFaults: r.polygon.requests.log.filter((e) => e.fault !== null).length,
    },
  };
}

export function defineFaultSuite(o: { size: CampaignSize; rounds: number; timeoutMs: number }): void {
  afterAll(removeTempRoots);

  describe(`fault campaign (${o.size.label}: ${o.rounds} session${o.rounds === 1 ? '' : 's'})`, () => {
    it('the service keeps scanning through every fault, refuses stale data, escalates and recovers', {
      timeout: o.timeoutMs,
    }, async () => {
      const failed: string[] = [];
      const totals = { scans: 0, staleRefusals: 0, escalations: 0, recoveries: 0, serverFaults: 0 };
      try {
        for (let round = 0; round < o.rounds; round++) {
          const root = await tempRoot('fault');
          const r = await runFaultCampaign({ root });
          const { problems, facts } = judgeFaultRun(r);
          for (const [k, v] of Object.entries(facts)) totals[k as keyof typeof totals] += v;
          if (problems.length > 0) failed.push(`round ${round + 1}: ${problems.slice(0, 3).join('; ')}`);
          expect(problems).toEqual([]);
          expect(facts.escalations).toBe(2);
          expect(facts.recoveries).toBe(2);
          // Secrets stay out of every output.
          const outputs = [
            r.stdout,
            r.stderr,
            await readFile(r.dirs.parityLog, 'utf8'),
            await readFile(r.dirs.statePath, 'utf8'),
          ];
          for (const text of outputs) for (const secret of r.secrets) expect(text).not.toContain(secret);
        }
      } finally {
        reportSummary('fault', {
          label: o.size.label,
          seed: o.size.seed,
          cases: `${o.rounds} session(s) x ${FAULT_SCHEDULE.filter((p) => p.fault !== 'clean').length} faults (429 and 5xx storms, malformed, truncated and repeating-cursor pages, a ticker error, latency, token expiry, rotation and removal, parity-log disk full): ${totals.scans} scans, ${totals.serverFaults} faulted responses, ${totals.staleRefusals} scans with an underlying refused, ${totals.escalations} global escalations, ${totals.recoveries} recoveries`,
          held: [
            'kept scanning (scan_count continuous, exit 0)',
            'every fault recorded in errors',
            'no entry and no mark-based exit for an underlying whose fetch failed, no entry without VIX',
            'global breaker reduce_only exactly from the 3rd all-failed scan, ok at the first clean one',
            'entries and prechecks resume when the fault ends',
            'disk full: records kept pending, appended once, one scan instant skipped',
            'no secret in logs, records or state',
          ],
          failed,
        });
      }
    });
  });
}
