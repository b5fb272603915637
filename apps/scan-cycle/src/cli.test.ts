import { describe, expect, it } from 'vitest';
import { parseScanCycleArgs, type RunOptions, type UsageError } from './cli.js';

function run(argv: string[]): RunOptions {
  const cmd = parseScanCycleArgs(['run', ...argv]);
  if (cmd.command !== 'run') throw new Error(`expected run, got ${cmd.command}`);
  return cmd.options;
}

function problems(argv: string[]): string[] {
  try {
    parseScanCycleArgs(argv);
  } catch (error) {
    if ((error as UsageError)._tag === 'UsageError') return (error as UsageError).problems;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('parseScanCycleArgs', () => {
  it('accepts the single-scenario runbook spelling as written', () => {
    const o = run([
      '--config=/config/scenarios/lt_rc.yaml',
      '--state-dir=/data/state/lt_rust/lt_scan_cycle',
      '--parity-log=/data/state/lt_rust/parity_log.jsonl',
      '--dry-run',
      '--scan-interval=120',
    ]);
    expect(o).toMatchObject({
      configFile: '/config/scenarios/lt_rc.yaml',
      multiYaml: null,
      stateDir: '/data/state/lt_rust/lt_scan_cycle',
      parityLog: '/data/state/lt_rust/parity_log.jsonl',
      mode: 'dry-run',
      scanIntervalSec: 120,
      market: { kind: 'polygon' },
      broker: 'saxo',
      clock: { kind: 'real' },
      healthAddr: { host: '127.0.0.1', port: 9464 },
      once: false,
      maxScans: null,
    });
  });

  it('accepts the multi-scenario spelling with space-separated values and takes the interval from the flag', () => {
    const o = run([
      '--scenario-multi-yaml',
      '/config/scenarios/lt_wft.yaml',
      '--state-dir',
      '/s',
      '--parity-log',
      '/p.jsonl',
      '--dry-run',
      '--scan-interval=45',
      '--market',
      'sim:42',
      '--broker=none',
      '--clock',
      'virtual:2026-04-10T13:30:00Z',
      '--max-scans',
      '7',
      '--health-addr=127.0.0.1:0',
      '--once',
    ]);
    expect(o.multiYaml).toBe('/config/scenarios/lt_wft.yaml');
    expect(o.scanIntervalSec).toBe(45);
    expect(o.market).toEqual({ kind: 'sim', seed: 42 });
    expect(o.broker).toBe('none');
    expect(o.clock).toEqual({
      kind: 'virtual',
      startMs: Date.UTC(2026, 3, 10, 13, 30),
      startIso: '2026-04-10T13:30:00.000Z',
    });
    expect(o.maxScans).toBe(7);
    expect(o.healthAddr).toEqual({ host: '127.0.0.1', port: 0 });
    expect(o.once).toBe(true);
  });

  it('multi mode does not need --scan-interval; single mode does', () => {
    expect(
      run(['--scenario-multi-yaml=a.yaml', '--state-dir=s', '--parity-log=p', '--live']).scanIntervalSec,
    ).toBeNull();
    expect(problems(['run', '--config=a.yaml', '--state-dir=s', '--parity-log=p', '--dry-run'])).toContain(
      '--scan-interval SEC is required with --config (single-scenario mode)',
    );
  });

  it('parses replay markets and the live flags', () => {
    const o = run([
      '--scenario-multi-yaml=w.yaml',
      '--state-dir=s',
      '--parity-log=p',
      '--live',
      '--market=replay:/rec/day1',
      '--live-approval=/a.json',
      '--saxo-env=live',
      '--saxo-token-file=/data/tokens/saxobank_tokens_live.json',
      '--record-market=/rec/out',
      '--comparison-log=/c.jsonl',
    ]);
    expect(o).toMatchObject({
      mode: 'live',
      market: { kind: 'replay', dir: '/rec/day1' },
      liveApproval: '/a.json',
      saxoEnv: 'live',
      saxoTokenFile: '/data/tokens/saxobank_tokens_live.json',
      recordMarket: '/rec/out',
      comparisonLog: '/c.jsonl',
    });
  });

  it('reports every problem at once', () => {
    const p = problems([
      'run',
      '--config=a',
      '--scenario-multi-yaml=b',
      '--dry-run',
      '--live',
      '--market=nasdaq',
      '--broker=ib',
      '--clock=virtual:yesterday',
      '--max-scans=0',
      '--health-addr=9464',
      '--bogus',
    ]);
    expect(p).toEqual(
      expect.arrayContaining([
        'unknown flag --bogus',
        '--config and --scenario-multi-yaml are mutually exclusive',
        '--state-dir DIR is required',
        '--parity-log FILE is required',
        'exactly one of --dry-run or --live is required',
        '--market expects polygon, replay:DIR or sim:SEED (a whole number), got "nasdaq"',
        '--broker expects saxo, sim or none, got "ib"',
        '--max-scans expects a positive whole number, got "0"',
        '--health-addr expects HOST:PORT, got "9464"',
      ]),
    );
    expect(p.some((x) => x.startsWith('--clock expects real or virtual:ISO'))).toBe(true);
    expect(p).toHaveLength(10);
  });

  it('refuses --live with a simulated broker', () => {
    expect(
      problems([
        'run',
        '--config=a',
        '--scan-interval=1',
        '--state-dir=s',
        '--parity-log=p',
        '--live',
        '--broker=sim',
      ]),
    ).toEqual(['--live needs --broker saxo (got --broker sim)']);
  });

  it('parses the other commands', () => {
    expect(parseScanCycleArgs(['validate-config', 'x.yaml'])).toEqual({
      command: 'validate-config',
      file: 'x.yaml',
    });
    expect(parseScanCycleArgs(['breaker', 'status', '--state-dir=/s'])).toEqual({
      command: 'breaker',
      action: 'status',
      stateDir: '/s',
      scenario: null,
    });
    expect(parseScanCycleArgs(['breaker', 'reset', '--state-dir', '/s', '--scenario', 'LT_RC'])).toEqual({
      command: 'breaker',
      action: 'reset',
      stateDir: '/s',
      scenario: 'LT_RC',
    });
    expect(problems(['breaker', 'reset', '--state-dir=/s'])).toEqual(['breaker reset needs --scenario ID']);
    expect(parseScanCycleArgs(['demo'])).toEqual({ command: 'demo', outDir: './var/demo' });
    expect(parseScanCycleArgs(['demo', '--out=/tmp/d'])).toEqual({ command: 'demo', outDir: '/tmp/d' });
    expect(parseScanCycleArgs([]).command).toBe('help');
    expect(parseScanCycleArgs(['run', '--help']).command).toBe('help');
    expect(problems(['launch'])).toEqual([
      'unknown command "launch" (expected run, validate-config, breaker or demo)',
    ]);
  });
});
