import { join } from 'node:path';
import { ComparisonRecordSchema, ScanRecordSchema } from '@aegis/parity-log';
import { afterAll, describe, expect, it } from 'vitest';
import {
  REPO,
  readJsonl,
  removeTempDirs,
  scansOf,
  simRunArgs,
  startCli,
  tempDir,
  waitFor,
} from './helpers.js';

afterAll(removeTempDirs);

describe('a full synthetic trading day, multi-scenario dry-run', () => {
  it('scans every 45 s from open to close, one record each, comparison every 20 scans, health and metrics served', {
    timeout: 180_000,
  }, async () => {
    const dir = await tempDir('day');
    const cli = startCli(
      simRunArgs({
        config: join(REPO, 'configs', 'scenarios', 'lt_wft.yaml'),
        dir,
        // 09:30 New York on a regular Friday session.
        start: '2026-04-10T13:30:00Z',
        extra: ['--max-scans=520'],
      }),
    );
    const started = await waitFor('startup line', async () => {
      const line = cli
        .stdout()
        .split('\n')
        .find((l) => l.includes('"scan-cycle started"'));
      return line === undefined
        ? undefined
        : (JSON.parse(line) as { health: string; comparison_log: string; interval_sec: number });
    });
    expect(started.interval_sec).toBe(45);
    expect(started.comparison_log).toBe(join(dir, 'logs', 'lt_wft_comparison.jsonl'));
    const health = await waitFor('a healthy scan', async () => {
      const r = await fetch(started.health).catch(() => undefined);
      const body =
        r === undefined
          ? undefined
          : ((await r.json()) as { scan_count: number; status: string; session: string });
      return body !== undefined && body.scan_count > 0 ? body : undefined;
    });
    expect(health).toMatchObject({ status: 'ok', session: 'open' });
    const metrics = await (await fetch(started.health.replace('/healthz', '/metrics'))).text();
    expect(metrics).toMatch(/scan_cycle_scans_total\{result="ok"\} \d+/);
    expect(metrics).toMatch(/scan_cycle_http_requests_total\{venue="polygon",status="200"\} \d+/);
    expect(metrics).toContain('scan_cycle_equity_usd{scenario="PT_XW"} 100000');

    const result = await cli.done;
    expect(result.code).toBe(0);

    const records = await readJsonl(join(dir, 'logs', 'parity_log.jsonl'));
    const scans = scansOf(records);
    expect(scans).toHaveLength(520);
    expect(scans.map((s) => s.scan_count)).toEqual(Array.from({ length: 520 }, (_, i) => i + 1));
    expect(scans[0]?.ts).toBe('2026-04-10T13:30:00.000Z');
    expect(scans.at(-1)?.ts).toBe('2026-04-10T19:59:15.000Z');
    for (const s of scans) {
      expect(ScanRecordSchema.safeParse(s).success).toBe(true);
      expect(s).toMatchObject({ trade_date: '2026-04-10', mode: 'dry-run', source: 'scan-cycle/0.1.0' });
      expect(Object.keys(s.underlyings as object).sort()).toEqual(['IWM', 'QQQ', 'SPX', 'SPY']);
      expect(Object.keys((s.circuit_breaker as { scenarios: object }).scenarios)).toHaveLength(11);
    }
    expect(records[0]).toMatchObject({
      record_kind: 'startup',
      scenario_ids: [
        'LT_RC',
        'WFT_A',
        'WFT_B',
        'WFT_C',
        'WFT_D',
        'WFT_E',
        'WFT_F',
        'WFT_G',
        'WFT_H',
        'WFT_I',
        'PT_XW',
      ],
    });
    expect(records.at(-1)).toMatchObject({ record_kind: 'shutdown', reason: 'max_scans', scan_count: 520 });

    const comparisons = await readJsonl(join(dir, 'logs', 'lt_wft_comparison.jsonl'));
    expect(comparisons.map((c) => c.scan_count)).toEqual(Array.from({ length: 26 }, (_, i) => (i + 1) * 20));
    for (const c of comparisons) {
      expect(ComparisonRecordSchema.safeParse(c).success).toBe(true);
      expect((c.scenarios as unknown[]).length).toBe(11);
    }
    const state = JSON.parse(
      await (await import('node:fs/promises')).readFile(join(dir, 'state', 'state.json'), 'utf8'),
    );
    expect(state.engine.scanCount).toBe(520);
    expect(state.pending).toBeNull();
  });
});
