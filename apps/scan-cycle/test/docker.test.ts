import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseParityDiffArgs } from '@aegis/parity-diff';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseScanCycleArgs } from '../src/cli.js';
import { validateEnv } from '../src/env.js';
import { REPO, readJsonl, removeTempDirs, scansOf, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const exec = promisify(execFile);
const DOCKER = join(REPO, 'docker');

/** Variables that may be left unset: each has a documented default. Everything else is required. */
const OPTIONAL = new Set(['SCAN_CYCLE_TAG', 'PARITY_DIFF_TAG', 'POLYGON_BASE_URL', 'LOG_LEVEL']);

interface Service {
  command: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  read_only?: boolean;
  hostname?: string;
  build?: { dockerfile: string };
}

async function compose(name: string): Promise<{ text: string; services: Record<string, Service> }> {
  const text = await readFile(join(DOCKER, name), 'utf8');
  return { text, services: (parseYaml(text) as { services: Record<string, Service> }).services };
}

/** Every `${…}` interpolation in a compose file. */
function interpolations(text: string): { name: string; form: string; message: string }[] {
  return [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[?-])([^}]*))?\}/g)].map((m) => ({
    name: m[1] as string,
    form: m[2] ?? '',
    message: m[3] ?? '',
  }));
}

describe('compose files', () => {
  it('every required variable uses the :?message form; only documented optional ones have defaults', async () => {
    for (const file of ['docker-compose.scan-cycle.yml', 'docker-compose.parity-diff.yml']) {
      const { text } = await compose(file);
      const refs = interpolations(text);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) {
        if (OPTIONAL.has(ref.name)) {
          expect(ref.form, `${file}: ${ref.name}`).toBe(':-');
        } else {
          expect(ref.form, `${file}: ${ref.name} must be \${${ref.name}:?message}`).toBe(':?');
          expect(ref.message.trim().length, `${file}: ${ref.name} needs a message`).toBeGreaterThan(10);
        }
      }
    }
    const { text } = await compose('docker-compose.scan-cycle.yml');
    expect(interpolations(text)).toContainEqual(
      expect.objectContaining({ name: 'POLYGON_API_KEY', form: ':?' }),
    );
  });

  it('the scan-cycle service is a multi-scenario dry-run the real CLI and env validation accept', async () => {
    const { services } = await compose('docker-compose.scan-cycle.yml');
    const svc = services['scan-cycle'] as Service;
    const cmd = parseScanCycleArgs(svc.command);
    expect(cmd.command).toBe('run');
    if (cmd.command !== 'run') return;
    expect(cmd.options).toMatchObject({
      multiYaml: '/config/scenarios/lt_wft.yaml',
      stateDir: '/data/state/lt_rust/lt_scan_cycle',
      parityLog: '/data/state/lt_rust/parity_log.jsonl',
      mode: 'dry-run',
      market: { kind: 'polygon' },
      broker: 'saxo',
      healthAddr: { host: '0.0.0.0', port: 9464 },
    });
    // The environment as compose passes it: defaults applied, required variables set by the operator.
    const operator: Record<string, string> = { POLYGON_API_KEY: 'pk-test', SAXO_ENV: 'sim' };
    const env = Object.fromEntries(
      Object.entries(svc.environment ?? {}).map(([k, v]) => [
        k,
        v.replace(/\$\{([A-Z_]+)(?::([?-])([^}]*))?\}/g, (_m, name: string, form?: string, rest?: string) =>
          form === '-' ? (rest ?? '') : (operator[name] ?? ''),
        ),
      ]),
    );
    const result = validateEnv(env, cmd.options);
    expect(result).toMatchObject({
      ok: true,
      env: { saxoTokenFile: '/data/tokens/saxobank_tokens_live.json', saxoEnv: 'sim' },
    });
    expect(svc.volumes?.some((v) => v.endsWith(':/data/tokens:ro'))).toBe(true);
    expect(svc.volumes?.some((v) => v.endsWith(':/data/state'))).toBe(true);
    expect(svc.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:9464/healthz');
    expect(svc.read_only).toBe(true);
    expect(svc.hostname).toBeTruthy();
  });

  it('the parity-diff service runs the gate over the service logs, as the real parser reads it', async () => {
    const { services } = await compose('docker-compose.parity-diff.yml');
    const args = parseParityDiffArgs((services['parity-diff'] as Service).command);
    expect(args).toMatchObject({
      command: 'gate',
      candidate: '/data/state/lt_rust',
      reference: '/data/reference',
      json: true,
      html: '/reports/gate.html',
    });
  });
});

/** The Dockerfile's own RUN steps (install, build, deploy, copy), with `/out` pointed at `out`. */
async function dockerSteps(dockerfile: string, out: string): Promise<string[]> {
  const text = await readFile(join(DOCKER, dockerfile), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.startsWith('RUN '))
    .map((l) => l.replace(/^RUN (--mount=\S+ )?/, ''))
    .filter((cmd) => !cmd.startsWith('corepack') && !cmd.startsWith('pnpm fetch'))
    .map((cmd) => cmd.replaceAll('/out', out));
}

describe('images (build and deploy steps, run without a Docker engine)', () => {
  it('builds and deploys both apps like the Dockerfiles do, and the deployed apps run', {
    timeout: 300_000,
  }, async () => {
    const root = await tempDir('docker');
    const repo = join(root, 'repo');
    await mkdir(repo);
    // COPY . . (the build context: what git would ship, without node_modules or dist).
    await exec(
      'bash',
      ['-c', `git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C ${repo}`],
      { cwd: REPO },
    );
    const sh = (cmd: string, cwd: string) =>
      exec('bash', ['-c', cmd], { cwd, maxBuffer: 64 << 20, env: { ...process.env, CI: '1' } });

    const scanOut = join(root, 'scan-cycle');
    const diffOut = join(root, 'parity-diff');
    const scanSteps = await dockerSteps('Dockerfile.scan-cycle', scanOut);
    expect(scanSteps.some((s) => s.includes('deploy --prod'))).toBe(true);
    for (const step of scanSteps) await sh(step, repo);
    const diffSteps = await dockerSteps('Dockerfile.parity-diff', diffOut);
    // Its install ran already, and its build is part of the one above (parity-diff is a dependency of
    // scan-cycle, so `--filter=@aegis/scan-cycle...` built it): only its deploy step is left to run.
    expect(diffSteps).toContain('pnpm --filter=@aegis/parity-diff... run build');
    for (const step of diffSteps.filter((s) => s.includes(' deploy '))) await sh(step, repo);

    const node = (cwd: string, args: string[]) =>
      exec(process.execPath, ['--enable-source-maps', 'dist/main.js', ...args], {
        cwd,
        env: { PATH: process.env.PATH ?? '' },
      });
    const help = await node(scanOut, ['--help']);
    expect(help.stdout).toContain('scan-cycle run (--config FILE | --scenario-multi-yaml FILE)');
    const valid = await node(scanOut, [
      'validate-config',
      join(scanOut, 'configs', 'scenarios', 'lt_wft.yaml'),
    ]);
    expect(valid.stdout).toContain('valid (multi mode, 11 scenarios)');

    const data = join(root, 'data');
    await node(scanOut, [
      'run',
      `--scenario-multi-yaml=${join(scanOut, 'configs', 'scenarios', 'lt_wft.yaml')}`,
      `--state-dir=${join(data, 'state')}`,
      `--parity-log=${join(data, 'logs', 'parity_log.jsonl')}`,
      '--dry-run',
      '--market=sim:7',
      '--broker=sim',
      '--clock=virtual:2026-04-10T15:00:00Z',
      '--health-addr=127.0.0.1:0',
      '--once',
    ]);
    const records = await readJsonl(join(data, 'logs', 'parity_log.jsonl'));
    expect(scansOf(records).map((s) => s.scan_count)).toEqual([1]);

    const diffHelp = await node(diffOut, ['--help']);
    expect(diffHelp.stdout).toContain('parity-diff compare');
    const log = join(data, 'logs', 'parity_log.jsonl');
    const cmp = await node(diffOut, [
      'compare',
      `--candidate-log=${log}`,
      `--reference-log=${log}`,
      '--json',
    ]).catch((e: { stdout: string }) => e);
    expect(JSON.parse(cmp.stdout)).toMatchObject({ tool: 'parity-diff', command: 'compare' });
  });
});
