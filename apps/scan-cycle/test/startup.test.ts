import { access, mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FIXTURES,
  readJsonl,
  removeTempDirs,
  runCli,
  scansOf,
  simRunArgs,
  startCli,
  tempDir,
  waitFor,
  writeLiveApproval,
} from './helpers.js';

afterAll(removeTempDirs);

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

describe('scan-cycle refuses to start on bad input', () => {
  it('missing environment: exit 2, every variable named with its purpose, nothing touched', async () => {
    const dir = await tempDir('env');
    const r = await runCli([
      'run',
      '--config=/config/scenarios/lt_rc.yaml',
      `--state-dir=${join(dir, 'state')}`,
      `--parity-log=${join(dir, 'parity_log.jsonl')}`,
      '--dry-run',
      '--scan-interval=120',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('environment: 3 problems');
    expect(r.stderr).toMatch(/POLYGON_API_KEY: missing: the Polygon\/Massive API key/);
    expect(r.stderr).toMatch(/SAXO_ENV: missing: which Saxo environment/);
    expect(r.stderr).toMatch(/SAXO_TOKEN_FILE: missing: path of the Saxo token file/);
    // Validated before any I/O: not even the (nonexistent) config file was needed, no state created.
    expect(await exists(join(dir, 'state'))).toBe(false);
  });

  it('bad configuration: exit 2 naming the file and the key path', async () => {
    const dir = await tempDir('badcfg');
    const r = await runCli(
      simRunArgs({ config: join(FIXTURES, 'bad.yaml'), dir, start: '2026-04-10T14:00:00Z' }),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'bad.yaml: scenarios[1].overrides.entry.short_delta.min: expected number, received string "low"',
    );
    expect(await exists(join(dir, 'state'))).toBe(false);
  });

  it('usage errors: exit 2 listing each problem', async () => {
    const r = await runCli(['run', '--config=x.yaml', '--dry-run', '--live', '--market=nasdaq']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: exactly one of --dry-run or --live is required');
    expect(r.stderr).toContain('usage: --market expects polygon, replay:DIR or sim:SEED');
    expect(r.stderr).toContain('usage: --state-dir DIR is required');
  });

  it('--live without a valid approval refuses to start (exit 1) and says why', {
    timeout: 180_000,
  }, async () => {
    const dir = await tempDir('live');
    const env = { SAXO_ENV: 'sim', SAXO_TOKEN_FILE: join(dir, 'token.json') };
    const args = [
      'run',
      '--scenario-multi-yaml',
      join(FIXTURES, 'multi.yaml'),
      '--state-dir',
      join(dir, 'state'),
      '--parity-log',
      join(dir, 'parity_log.jsonl'),
      '--live',
      '--market=sim:7',
    ];
    const none = await runCli(args, env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('--live needs --live-approval FILE');

    await writeLiveApproval(dir, {
      pass: false,
      approvedBy: 'J. Operator',
      approvedAt: '2026-04-01T12:00:00.000Z',
      gateReport: 'gate.json',
    });
    const failing = await runCli([...args, `--live-approval=${join(dir, 'approval.json')}`], env);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain(`gate report ${join(dir, 'gate.json')}: verdict is FAIL, not PASS`);

    await writeFile(
      join(dir, 'approval.json'),
      JSON.stringify({ approved_at: 'yesterday', gate_report: 'missing.json' }),
    );
    const broken = await runCli([...args, `--live-approval=${join(dir, 'approval.json')}`], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('approved_by: expected the name of who approved');
    expect(broken.stderr).toContain('approved_at: expected an ISO-8601 instant, got "yesterday"');
    expect(broken.stderr).toContain('verdict: expected "PASS", got undefined');
    expect(broken.stderr).toContain(`gate report ${join(dir, 'missing.json')}: cannot be read (ENOENT)`);
    expect(await exists(join(dir, 'state'))).toBe(false);
  });
});

describe('one instance per state directory', () => {
  it('a second instance is refused and told who holds the lock; SIGTERM stops the first cleanly', {
    timeout: 180_000,
  }, async () => {
    const dir = await tempDir('lock');
    // A Saturday: the first instance logs the next open and sleeps, holding the lock.
    const first = startCli(
      simRunArgs({ config: join(FIXTURES, 'multi.yaml'), dir, start: '2026-04-11T15:00:00Z' }).map((a) =>
        a.startsWith('virtual:') ? 'real' : a,
      ),
    );
    // On a real clock the loop sleeps until the next open whatever today is, or scans if the market is open.
    await waitFor('the first instance to start', async () =>
      first.stdout().includes('scan-cycle started') ? true : undefined,
    );
    const second = await runCli(
      simRunArgs({ config: join(FIXTURES, 'multi.yaml'), dir, start: '2026-04-10T15:00:00Z' }),
    );
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      `state directory is locked by pid ${first.child.pid} on host ${hostname()}`,
    );
    expect(second.stderr).toContain('that process is running; stop it first');

    first.child.kill('SIGTERM');
    const r = await first.done;
    expect(r.code).toBe(0);
    const records = await readJsonl(join(dir, 'logs', 'parity_log.jsonl'));
    expect(records.at(-1)).toMatchObject({ record_kind: 'shutdown', reason: 'signal' });
    expect(await exists(join(dir, 'state', 'scan-cycle.lock'))).toBe(false);
  });
});

describe('validate-config and breaker commands', () => {
  it('validate-config prints the scenarios in run order', async () => {
    const r = await runCli(['validate-config', join(FIXTURES, 'multi.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid \(multi mode, 3 scenarios\)/);
    expect(r.stdout.indexOf('LT_RC')).toBeLessThan(r.stdout.indexOf('PAPER_A'));
  });

  it('breaker status reads the state; breaker reset clears a halted scenario and records it', {
    timeout: 180_000,
  }, async () => {
    const dir = await tempDir('breaker');
    const run = await runCli(
      simRunArgs({
        config: join(FIXTURES, 'multi.yaml'),
        dir,
        start: '2026-04-10T15:00:00Z',
        extra: ['--max-scans=2'],
      }),
    );
    expect(run.code).toBe(0);
    const statePath = join(dir, 'state', 'state.json');
    const state = JSON.parse(await (await import('node:fs/promises')).readFile(statePath, 'utf8'));
    state.engine.scenarios.PAPER_A.breaker = {
      level: 'halted',
      tradeDate: '2026-04-10',
      cause: 'drawdown 0.21 >= 0.2',
    };
    await writeFile(statePath, JSON.stringify(state));

    const status = await runCli(['breaker', 'status', `--state-dir=${join(dir, 'state')}`]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/PAPER_A\s+halted\s+2026-04-10\s+drawdown 0.21 >= 0.2/);

    const reset = await runCli([
      'breaker',
      'reset',
      '--state-dir',
      join(dir, 'state'),
      '--scenario',
      'PAPER_A',
    ]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain('PAPER_A: breaker halted -> ok');
    const after = await runCli([
      'breaker',
      'status',
      `--state-dir=${join(dir, 'state')}`,
      '--scenario=PAPER_A',
    ]);
    expect(after.stdout).toMatch(/PAPER_A\s+ok/);

    // The next start appends the operator's breaker record once, then scans on.
    await mkdir(join(dir, 'logs'), { recursive: true });
    const again = await runCli(
      simRunArgs({
        config: join(FIXTURES, 'multi.yaml'),
        dir,
        start: '2026-04-10T15:00:00Z',
        extra: ['--max-scans=1'],
      }),
    );
    expect(again.code).toBe(0);
    const records = await readJsonl(join(dir, 'logs', 'parity_log.jsonl'));
    const breakers = records.filter((r) => r.record_kind === 'breaker');
    expect(breakers).toEqual([
      expect.objectContaining({
        scenario: 'PAPER_A',
        from: 'halted',
        to: 'ok',
        cause: 'operator reset (scan-cycle breaker reset)',
      }),
    ]);
    expect(scansOf(records).map((r) => r.scan_count)).toEqual([1, 2, 3]);
  });
});

describe('single-scenario mode', () => {
  it('runs the runbook spelling with --scan-interval and writes no comparison log', {
    timeout: 120_000,
  }, async () => {
    const dir = await tempDir('single');
    const r = await runCli([
      'run',
      `--config=${join(FIXTURES, 'lt_rc.yaml')}`,
      `--state-dir=${join(dir, 'state')}`,
      `--parity-log=${join(dir, 'parity_log.jsonl')}`,
      '--dry-run',
      '--scan-interval=120',
      '--market=sim:7',
      '--broker=none',
      '--clock=virtual:2026-04-10T15:00:00Z',
      '--max-scans=3',
      '--health-addr=127.0.0.1:0',
    ]);
    expect(r.code).toBe(0);
    const records = await readJsonl(join(dir, 'parity_log.jsonl'));
    const scans = scansOf(records) as {
      ts: string;
      entries_proposed: { scenario: string; status: string }[];
    }[];
    expect(scans.map((s) => s.ts)).toEqual([
      '2026-04-10T15:00:00.000Z',
      '2026-04-10T15:02:00.000Z',
      '2026-04-10T15:04:00.000Z',
    ]);
    // --broker none: the live-capable scenario's decisions are recorded as proposed (and filled).
    expect(scans[0]?.entries_proposed.some((e) => e.scenario === 'LT_RC' && e.status === 'proposed')).toBe(
      true,
    );
    expect(records[0]).toMatchObject({
      record_kind: 'startup',
      flags: { comparison_log: null, scan_interval_sec: 120 },
    });
    expect(await exists(join(dir, 'lt_rc_comparison.jsonl'))).toBe(false);
  });
});
