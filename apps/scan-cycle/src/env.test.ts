import { describe, expect, it } from 'vitest';
import { parseScanCycleArgs, type RunOptions } from './cli.js';
import { formatEnvProblems, validateEnv } from './env.js';

function opts(extra: string[]): RunOptions {
  const cmd = parseScanCycleArgs([
    'run',
    '--scenario-multi-yaml=w.yaml',
    '--state-dir=s',
    '--parity-log=p',
    '--dry-run',
    ...extra,
  ]);
  if (cmd.command !== 'run') throw new Error('run expected');
  return cmd.options;
}

describe('validateEnv', () => {
  it('names every missing variable with its purpose for polygon + saxo', () => {
    const r = validateEnv({}, opts([]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.variable)).toEqual(['POLYGON_API_KEY', 'SAXO_ENV', 'SAXO_TOKEN_FILE']);
    const text = formatEnvProblems(r.problems);
    expect(text).toContain('environment: 3 problems');
    expect(text).toContain('POLYGON_API_KEY: missing: the Polygon/Massive API key used for market data');
    expect(text).toContain('SAXO_TOKEN_FILE: missing: path of the Saxo token file');
  });

  it('takes flags over variables and applies the documented defaults', () => {
    const r = validateEnv(
      { POLYGON_API_KEY: 'k-123', SAXO_ACCOUNT_KEY: 'acc' },
      opts(['--saxo-env=sim', '--saxo-token-file=/t.json']),
    );
    expect(r).toEqual({
      ok: true,
      env: {
        polygonApiKey: 'k-123',
        polygonBaseUrl: 'https://api.massive.com',
        saxoEnv: 'sim',
        saxoBaseUrl: 'https://gateway.saxobank.com/sim/openapi',
        saxoTokenFile: '/t.json',
        saxoAccountKey: 'acc',
        logLevel: 'info',
      },
    });
  });

  it('needs nothing for the simulated market and broker', () => {
    const r = validateEnv({}, opts(['--market=sim:1', '--broker=sim']));
    expect(r.ok).toBe(true);
  });

  it('rejects malformed values', () => {
    const r = validateEnv(
      {
        POLYGON_BASE_URL: 'ftp://x',
        SAXO_ENV: 'prod',
        LOG_LEVEL: 'loud',
        SAXO_TOKEN_FILE: '/t',
        SAXO_ACCOUNT_KEY: 'a',
      },
      opts(['--market=sim:1']),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      { variable: 'POLYGON_BASE_URL', problem: expect.stringContaining('not an http(s) URL') },
      { variable: 'SAXO_ENV', problem: 'expected sim or live, got "prod"' },
      { variable: 'LOG_LEVEL', problem: expect.stringContaining('got "loud"') },
    ]);
  });
});
