/** Spawns the real CLI from source, as an operator would run it, and reads what it wrote. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const APP_DIR = resolve(here, '..');
export const MAIN = join(APP_DIR, 'src', 'main.ts');
export const FIXTURES = join(here, 'fixtures', 'scenarios');
export const REPO = resolve(APP_DIR, '..', '..');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<CliResult>;
}

/** Starts `scan-cycle ARGS` with exactly `env` (plus PATH/HOME), never the test's own environment. */
export function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, ['--conditions=@aegis/source', '--import', 'tsx', MAIN, ...args], {
    cwd: APP_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const done = new Promise<CliResult>((resolvePromise) => {
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout: out, stderr: err }));
  });
  return { child, stdout: () => out, stderr: () => err, done };
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCli(args, env).done;
}

const created: string[] = [];

export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `scan-cycle-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Removes every directory `tempDir` made in this test file (call from `afterAll`). */
export async function removeTempDirs(): Promise<void> {
  for (const dir of created.splice(0)) await rm(dir, { recursive: true, force: true });
}

export async function readJsonl(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export const scansOf = (records: Record<string, unknown>[]) =>
  records.filter((r) => r.record_kind === 'scan');

/** Polls `probe` until it returns a value (not undefined), or fails after `limitMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  limitMs = 60_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Common `run` flags for a simulated, virtual-clock dry run. */
export function simRunArgs(o: {
  config: string;
  dir: string;
  start: string;
  seed?: number;
  extra?: string[];
}): string[] {
  return [
    'run',
    '--scenario-multi-yaml',
    o.config,
    '--state-dir',
    join(o.dir, 'state'),
    '--parity-log',
    join(o.dir, 'logs', 'parity_log.jsonl'),
    '--dry-run',
    '--market',
    `sim:${o.seed ?? 7}`,
    '--broker',
    'sim',
    '--clock',
    `virtual:${o.start}`,
    '--health-addr',
    '127.0.0.1:0',
    ...(o.extra ?? []),
  ];
}

/**
 * Writes `gate.json` (a parity-diff gate report with the given verdict) and `approval.json` naming it
 * into `dir`; returns the approval's path for `--live-approval`.
 */
export async function writeLiveApproval(
  dir: string,
  o: { pass: boolean; approvedBy: string; approvedAt: string; gateReport: string },
): Promise<string> {
  const gate = o.pass
    ? { tool: 'parity-diff', command: 'gate', pass: true, gate: [] }
    : { tool: 'parity-diff', command: 'gate', pass: false };
  await writeFile(join(dir, 'gate.json'), JSON.stringify(gate));
  const approval = join(dir, 'approval.json');
  await writeFile(
    approval,
    JSON.stringify({
      approved_by: o.approvedBy,
      approved_at: o.approvedAt,
      gate_report: o.gateReport,
      verdict: 'PASS',
    }),
  );
  return approval;
}
