/** The dry-run crash suite, shared by the fast part and the sized campaign. */
import { readdir } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { CampaignSize } from '../../bad-input/lib/harness.js';
import { type KillPhase, runDryRunCrashCampaign } from './dry-run.js';
import { auditIntentIds, bookDigest, scanCountProblems, viewRun } from './oracle.js';
import { removeTempRoots, reportSummary, tempRoot } from './service.js';

export interface DryRunSuiteOptions {
  size: CampaignSize;
  kills: number;
  scans: number;
  /** Phases every run must have hit (the fast part's five kills cover fewer than the full campaign). */
  requiredPhases: readonly KillPhase[];
  timeoutMs: number;
}

export function defineDryRunCrashSuite(o: DryRunSuiteOptions): void {
  afterAll(removeTempRoots);

  describe(`crash campaign, dry-run (${o.size.label}: ${o.kills} kills over ${o.scans} scans)`, () => {
    it('a replay killed and restarted ends exactly as the uninterrupted replay', {
      timeout: o.timeoutMs,
    }, async () => {
      const root = await tempRoot('crash-dry');
      const result = await runDryRunCrashCampaign({
        root,
        seed: o.size.seed,
        kills: o.kills,
        scans: o.scans,
      });
      const ref = await viewRun(result.reference);
      const got = await viewRun(result.crashed);
      const failed: string[] = [];
      const check = (what: string, fn: () => void) => {
        try {
          fn();
        } catch (error) {
          failed.push(`${what}: ${(error as Error).message.split('\n')[0]}`);
          throw error;
        }
      };
      const phases = new Map<string, number>();
      for (const k of result.kills) phases.set(k.phase, (phases.get(k.phase) ?? 0) + 1);
      const audit = auditIntentIds(got.scans);
      const leftTemps = (await readdir(result.crashed.stateDir)).filter((f) => f.endsWith('.tmp'));
      try {
        // The session really traded, so equality below means something.
        check('the session trades', () => {
          const digest = bookDigest(ref.state);
          expect(ref.scans).toHaveLength(o.scans);
          expect(Object.values(digest).reduce((n, s) => n + (s.tradeCount as number), 0)).toBeGreaterThan(5);
          expect(Object.values(digest).reduce((n, s) => n + (s.closedCount as number), 0)).toBeGreaterThan(0);
          expect(ref.breakers.length).toBeGreaterThan(0);
          expect(auditIntentIds(ref.scans).afterRejectedPrecheck).toBeGreaterThan(0);
        });
        check('every kill was a SIGKILL of a running service', () => {
          expect(result.kills).toHaveLength(o.kills);
        });
        check('kill instants hit every required phase', () => {
          for (const p of o.requiredPhases) expect([...phases.keys()]).toContain(p);
        });
        check('scan records equal the uninterrupted run (without run_id, duration_ms)', () => {
          expect(got.scans).toEqual(ref.scans);
        });
        check('breaker records equal', () => expect(got.breakers).toEqual(ref.breakers));
        check('comparison records equal', () => expect(got.comparisons).toEqual(ref.comparisons));
        check('final state equal (books, trade counts, equity, breakers, scan count)', () => {
          expect(bookDigest(got.state)).toEqual(bookDigest(ref.state));
          expect(got.state?.engine).toEqual(ref.state?.engine);
          expect(got.state?.pending).toBeNull();
        });
        check('scan_count continuous, no duplicate', () => expect(scanCountProblems(got.scans)).toEqual([]));
        check('intent ids: one per decision, repeated only by re-proposals', () => {
          expect(audit.violations).toEqual([]);
          expect(audit).toEqual(auditIntentIds(ref.scans));
        });
        check('no torn or bad line left', () => {
          expect(got.badLines).toEqual([]);
          expect(got.tornTail).toBe(false);
          // Every injected torn half record was moved aside at the next start.
          expect(got.tornFiles.length).toBeGreaterThanOrEqual(
            result.kills.filter((k) => k.tornInjected).length,
          );
        });
        check('no temp file of an interrupted state write left (a start removes them)', () => {
          expect(leftTemps).toEqual([]);
        });
        check('per-process records: one startup per start that got that far, one clean shutdown', () => {
          const killedBeforeStartup = result.kills.filter((k) => k.phase.startsWith('before startup')).length;
          expect(got.startups).toBe(result.processes - killedBeforeStartup);
          expect(got.shutdowns.map((s) => s.reason)).toEqual(['replay_end']);
          expect(ref.startups).toBe(1);
        });
      } finally {
        const phaseList = [...phases].map(([p, n]) => `${p} ${n}`).join(', ');
        reportSummary('crash/dry-run', {
          label: o.size.label,
          seed: o.size.seed,
          cases: `${result.kills.length} SIGKILLs over a ${o.scans}-scan replay, ${result.processes} processes; landed: ${phaseList}; ${result.kills.filter((k) => k.tornInjected).length} torn half records injected; ${audit.reproposals} re-proposed ids (${audit.afterRejectedPrecheck} after a rejected precheck)`,
          held: [
            'scan, breaker and comparison records equal the uninterrupted run (run_id, duration_ms aside)',
            'final books, trade counts, equity, breakers and scan count equal',
            'scan_count 1..N without gap or repeat',
            'no intent id taken twice or shared by two decisions',
            'no torn or bad line left, no temp file of an interrupted state write left',
          ],
          failed,
        });
      }
    });
  });
}
