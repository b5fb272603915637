import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, compareJson, failing, pair, tempDir } from './helpers.js';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('parity-compare-'));
});
afterAll(() => cleanup());

describe('compare: identical sides pass every check', () => {
  it('passes with 520 matched scans, exit 0', async () => {
    const { code, report } = await compareJson(await pair(root));
    expect(code).toBe(0);
    expect(report?.pass).toBe(true);
    expect(failing(report)).toEqual([]);
    expect(check(report, 'unmatched').details).toMatchObject({
      matched: 520,
      candidate_unmatched: 0,
      reference_unmatched: 0,
    });
    expect(check(report, 'vix').details).toMatchObject({ pairs: 520, violations: 0, max_abs_delta: 0 });
    const entries = check(report, 'entries').details;
    expect(entries.matches).toBeGreaterThan(40);
    expect(entries).toMatchObject({ candidate_only: 0, reference_only: 0 });
    expect(check(report, 'errors_trend').pass).toBe(true);
  });
});

describe('compare: each check fails on its own difference', () => {
  it('1. schema_version: records of another version are counted and fail', async () => {
    const { code, report } = await compareJson(await pair(root, { otherVersionRecords: 2 }));
    expect(code).toBe(1);
    const c = check(report, 'schema_version');
    expect(c.pass).toBe(false);
    expect(c.details).toMatchObject({ candidate: 2, reference: 0 });
    expect((c.details.candidate_examples as { schemaVersion: number }[])[0]?.schemaVersion).toBe(2);
  });

  it('2. scan continuity: a scan_count gap within a run fails and is located', async () => {
    const { report } = await compareJson(await pair(root, { scanGaps: 1 }));
    expect(failing(report)).toEqual(['scan_continuity']);
    const ex = (
      check(report, 'scan_continuity').details.candidate_break_examples as Record<string, unknown>[]
    )[0]!;
    expect(ex.kind).toBe('gap');
    expect((ex.next as number) - (ex.previous as number)).toBe(2);
    expect((ex.at as { file: string }).file).toMatch(/candidate\/parity\.jsonl$/);
  });

  it('2. restarts (a new run id, scan_count continuing) are listed but pass', async () => {
    const { report } = await compareJson(await pair(root, {}, { tradingDays: 2 }));
    const c = check(report, 'scan_continuity');
    expect(c.pass).toBe(true);
    expect(c.details.candidate_restarts).toBe(1);
    expect(
      (c.details.candidate_restart_examples as { lastScanCount: number; nextScanCount: number }[])[0],
    ).toMatchObject({
      lastScanCount: 1520,
      nextScanCount: 1521,
    });
  });

  it('3. VIX: a delta of exactly 0.1 passes, 0.11 on one scan fails', async () => {
    const ok = await compareJson(await pair(root, { vixOffset: 0.1 }));
    expect(check(ok.report, 'vix').pass).toBe(true);
    expect(check(ok.report, 'vix').details.max_abs_delta).toBe(0.1);
    const bad = await compareJson(await pair(root, { vixOffset: 0.11, vixOffsetScans: 1 }));
    expect(failing(bad.report)).toEqual(['vix']);
    expect(check(bad.report, 'vix').details).toMatchObject({ violations: 1, max_abs_delta: 0.11 });
  });

  it('4. count drift: 2 missing entries in a day is within max(2, 5%), 12 is not', async () => {
    const small = await compareJson(await pair(root, { missingEntries: 2 }));
    expect(check(small.report, 'count_drift').pass).toBe(true);
    expect(check(small.report, 'entries').details.reference_only).toBe(2);
    const big = await compareJson(await pair(root, { missingEntries: 12 }));
    const drift = check(big.report, 'count_drift');
    expect(drift.pass).toBe(false);
    const day = (drift.details.per_date as Record<string, number>[])[0]!;
    expect(day.reference_entries! - day.candidate_entries!).toBe(12);
  });

  it('5. entries: a strike mismatch shows as one candidate-only and one reference-only entry', async () => {
    const { report } = await compareJson(await pair(root, { strikeMismatches: 1 }));
    expect(failing(report)).toEqual(['entries']);
    const d = check(report, 'entries').details;
    expect(d).toMatchObject({ candidate_only: 1, reference_only: 1 });
    const c = (d.candidate_only_examples as { key: string }[])[0]!.key.split('|');
    const r = (d.reference_only_examples as { key: string }[])[0]!.key.split('|');
    expect(c.slice(0, 3)).toEqual(r.slice(0, 3));
    expect(Number(r[3]) - Number(c[3])).toBeGreaterThan(0);
  });

  it('5. entries: an extra candidate entry fails', async () => {
    const { report } = await compareJson(await pair(root, { extraEntries: 1 }));
    expect(check(report, 'entries').details).toMatchObject({ candidate_only: 1, reference_only: 0 });
  });

  it('5. exits: a missing exit fails the exit set check', async () => {
    const { report } = await compareJson(await pair(root, { missingExits: 1 }));
    expect(failing(report)).toEqual(['exits']);
    expect(check(report, 'exits').details).toMatchObject({ candidate_only: 0, reference_only: 1 });
  });

  it('6. errors trend: errors rising through the window fail', async () => {
    const { report } = await compareJson(await pair(root, { errorRamp: true }));
    const c = check(report, 'errors_trend');
    expect(c.pass).toBe(false);
    const d = c.details.candidate as { first_quarter: number; last_quarter: number; limit: number };
    expect(d.last_quarter).toBeGreaterThan(d.limit);
  });

  it('7. unmatched: 3 dropped scans (0.6%) pass, one in 40 (2.5%) fails', async () => {
    const few = await compareJson(await pair(root, { droppedScans: 3 }));
    const u = check(few.report, 'unmatched');
    expect(u.pass).toBe(true);
    expect(u.details).toMatchObject({ matched: 517, candidate_unmatched: 0, reference_unmatched: 3 });
    const many = await compareJson(await pair(root, { dropEveryNthScan: 40 }));
    expect(check(many.report, 'unmatched').pass).toBe(false);
    expect(check(many.report, 'unmatched').details.reference_unmatched).toBe(13);
  });

  it('a clock offset within the tolerance still matches every scan; beyond it nothing matches', async () => {
    const near = await compareJson(await pair(root, { timeOffsetMs: 20_000 }));
    expect(check(near.report, 'unmatched').details.matched).toBe(520);
    const far = await compareJson(await pair(root, { timeOffsetMs: 20_000 }), '--tolerance-seconds', '10');
    expect(check(far.report, 'unmatched').pass).toBe(false);
  });

  it('differences on the reference side are found as well', async () => {
    const { report } = await compareJson(await pair(root, {}, {}, { extraEntries: 1 }));
    expect(check(report, 'entries').details).toMatchObject({ candidate_only: 0, reference_only: 1 });
  });
});

describe('compare: malformed and torn input', () => {
  it('reports bad lines with file and line, excludes them, and fails only with --strict', async () => {
    const logs = await pair(root, { garbageLines: 2, tornTail: true });
    const lax = await compareJson(logs);
    expect(lax.code).toBe(0);
    const bad = lax.report!.inputs.candidate.bad_line_examples;
    expect(bad).toHaveLength(3);
    expect(bad.every((b) => b.file.endsWith('candidate/parity.jsonl') && b.line > 0)).toBe(true);
    expect(bad[2]?.reason).toMatch(/^torn final line/);
    const strict = await compareJson(logs, '--strict');
    expect(strict.code).toBe(1);
    expect(failing(strict.report)).toEqual(['malformed_lines']);
  });
});
