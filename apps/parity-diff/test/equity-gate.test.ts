import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, pair, run, tempDir } from './helpers.js';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('parity-equity-'));
});
afterAll(() => cleanup());

const equity = (c: { candidateDir: string; referenceDir: string }, ...more: string[]) =>
  run([
    'compare-equity',
    '--candidate-log',
    join(c.candidateDir, 'lt_wft_comparison.jsonl'),
    '--reference-log',
    join(c.referenceDir, 'lt_wft_comparison.jsonl'),
    '--json',
    ...more,
  ]);
const gate = (c: { candidateDir: string; referenceDir: string }, ...more: string[]) =>
  run(['gate', '--candidate-dir', c.candidateDir, '--reference-dir', c.referenceDir, '--json', ...more]);

describe('compare-equity', () => {
  it('passes when every interval agrees, with one interval per 15 minutes', async () => {
    const { code, report } = await equity(await pair(root));
    expect(code).toBe(0);
    expect(check(report, 'equity').details).toMatchObject({
      intervals_compared: 26,
      intervals_failing: 0,
      max_abs_equity_delta: 0,
    });
  });

  it('--interval-minutes buckets by that many New York minutes', async () => {
    const { report } = await equity(await pair(root), '--interval-minutes', '60');
    // 09:30 to 16:00 New York: the 09:00 … 15:00 hour buckets.
    expect(check(report, 'equity').details.intervals_compared).toBe(7);
  });

  it('fails when equity drifts past $50', async () => {
    const { code, report } = await equity(
      await pair(root, { equityDrift: { scenario: 'WFT_B', dollarsPerRecord: 2.5 } }),
    );
    expect(code).toBe(1);
    const d = check(report, 'equity').details;
    // 2.5 × batch exceeds 50 from the 21st record of the day on.
    expect(d.intervals_failing).toBe(6);
    expect((d.failures as { scenario: string; problem: string }[])[0]).toMatchObject({
      scenario: 'WFT_B',
      problem: '|equity Δ| 52.50 > 50',
    });
  });

  it('fails on any trade_count difference', async () => {
    const { report } = await equity(
      await pair(root, { tradeCountDrift: { scenario: 'LT_RC', delta: 1, fromBatch: 26 } }),
    );
    const d = check(report, 'equity').details;
    expect(d.intervals_failing).toBe(1);
    expect((d.failures as { problem: string }[])[0]?.problem).toMatch(/^trade_count \d+ vs \d+$/);
  });

  it('fails when a scenario is missing on one side', async () => {
    const dir = join(root, 'missing');
    await mkdir(dir, { recursive: true });
    const rec = (scenarios: string[]) =>
      `${JSON.stringify({
        schema_version: 1,
        record_kind: 'comparison',
        ts: '2026-04-10T14:44:00.000Z',
        trade_date: '2026-04-10',
        batch: 1,
        scan_count: 20,
        scenarios: scenarios.map((s) => ({
          scenario: s,
          equity: 100000,
          realized_pnl: 0,
          unrealized_pnl: 0,
          open_positions: 0,
          trade_count: 0,
          closed_count: 0,
          breaker: 'ok',
        })),
      })}\n`;
    await writeFile(join(dir, 'c.jsonl'), rec(['LT_RC', 'WFT_A']));
    await writeFile(join(dir, 'r.jsonl'), rec(['LT_RC']));
    const { report } = await run([
      'compare-equity',
      '--candidate-log',
      join(dir, 'c.jsonl'),
      '--reference-log',
      join(dir, 'r.jsonl'),
      '--json',
    ]);
    expect(check(report, 'equity').details.failures as { scenario: string; problem: string }[]).toEqual([
      expect.objectContaining({
        interval: '2026-04-10 10:30',
        scenario: 'WFT_A',
        problem: 'missing on the reference side',
      }),
    ]);
  });
});

describe('gate', () => {
  it('PASS: five NYSE sessions of matching daily gzip logs, every item passes, exit 0', async () => {
    const logs = await pair(root, {}, { tradingDays: 5, layout: 'daily', gzip: true });
    const { code, report, stdout } = await gate(logs);
    expect(code).toBe(0);
    expect(report?.gate?.map((g) => [g.id, g.pass])).toEqual([
      ['business_days', true],
      ['compare', true],
      ['compare_equity', true],
      ['precheck_parity', true],
      ['breaker', true],
    ]);
    expect(check(report, 'business_days').details).toMatchObject({
      sessions: 5,
      first: '2026-03-02',
      last: '2026-03-06',
    });
    expect(report?.inputs.candidate.files).toHaveLength(10);
    expect(check(report, 'precheck_parity').details.compared).toBeGreaterThan(5);
    expect(stdout).toContain('"pass": true');
  });

  it('FAIL: four sessions are not enough (terminal report says which item)', async () => {
    const logs = await pair(root, {}, { tradingDays: 4 });
    const json = await gate(logs);
    expect(json.code).toBe(1);
    expect(json.report?.gate?.filter((g) => !g.pass).map((g) => g.id)).toEqual(['business_days']);
    const text = await run([
      'gate',
      '--candidate-dir',
      logs.candidateDir,
      '--reference-dir',
      logs.referenceDir,
    ]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /FAIL {2}>= 5 business days \(NYSE sessions\) of matched observation +4 NYSE sessions/,
    );
    expect(text.stdout.trimEnd().endsWith('FAIL')).toBe(true);
  });

  it('FAIL: a candidate breaker escalation to reduce_only, and an LT_RC precheck verdict mismatch', async () => {
    const logs = await pair(
      root,
      { breakerEscalation: { scenario: 'WFT_C', atScan: 700, to: 'reduce_only' }, precheckMismatches: 1 },
      { tradingDays: 5 },
    );
    const { code, report } = await gate(logs);
    expect(code).toBe(1);
    expect(report?.gate?.filter((g) => !g.pass).map((g) => g.id)).toEqual(['precheck_parity', 'breaker']);
    expect(check(report, 'breaker').details.escalations).toBe(1);
    expect(
      (check(report, 'breaker').details.examples as { scenario: string; to: string }[])[0],
    ).toMatchObject({
      scenario: 'WFT_C',
      to: 'reduce_only',
    });
    expect(check(report, 'precheck_parity').details.mismatches).toBe(1);
  });

  it('FAIL: a failing compare check fails the gate', async () => {
    const logs = await pair(root, { vixOffset: 0.5, vixOffsetScans: 1 }, { tradingDays: 5 });
    const { report } = await gate(logs);
    expect(check(report, 'compare')).toMatchObject({ pass: false, summary: 'failing: vix' });
  });
});
