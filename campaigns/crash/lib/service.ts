/**
 * Drives the real scan-cycle service as an operator would: spawned from source with
 * `node --conditions=@aegis/source --import tsx apps/scan-cycle/src/main.ts run …`, killed, restarted,
 * and judged by what it left on disk.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCampaignEnv } from '../../bad-input/lib/env.js';
import { baseChildEnv } from './env.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '..', '..', '..');
export const SCAN_CYCLE_DIR = join(REPO, 'apps', 'scan-cycle');
export const SCAN_CYCLE_MAIN = join(SCAN_CYCLE_DIR, 'src', 'main.ts');
export const PARITY_DIFF_MAIN = join(REPO, 'apps', 'parity-diff', 'src', 'main.ts');
/** The campaign's scenario wrapper: books that trade, exit and move breakers within an hour. */
export const CAMPAIGN_CONFIG = resolve(here, '..', 'fixtures', 'scenarios', 'multi.yaml');
/** Entries open at 10:00 New York on a regular session (the window opens 30 min after the open). */
export const SESSION_START = '2026-04-10T14:00:00Z';
export const INTERVAL_MS = 45_000;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningService {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  readonly done: Promise<ExitInfo>;
  /** SIGKILL, synchronously: callers time it to the instant they chose. */
  killHard(): void;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Extra `--import` modules loaded before the service (fault injection shims). */
  preload?: string[];
  /** Keep stdout (the JSON log); off by default to spare memory over long campaigns. */
  keepStdout?: boolean;
}

export function startService(args: readonly string[], options: StartOptions = {}): RunningService {
  const nodeArgs = ['--conditions=@aegis/source', '--import', 'tsx'];
  for (const p of options.preload ?? []) nodeArgs.push('--import', p);
  const child = spawn(process.execPath, [...nodeArgs, SCAN_CYCLE_MAIN, ...args], {
    cwd: SCAN_CYCLE_DIR,
    env: { ...baseChildEnv(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    if (options.keepStdout) out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const done = new Promise<ExitInfo>((resolvePromise) => {
    child.on('close', (code, signal) => resolvePromise({ code, signal }));
  });
  if (child.pid === undefined) throw new Error(`could not spawn the service: ${SCAN_CYCLE_MAIN}`);
  const pid = child.pid;
  return {
    child,
    pid,
    stdout: () => out,
    stderr: () => err,
    done,
    killHard() {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** Runs the service to its end; fails with its stderr when it exits non-zero. */
export async function runServiceToEnd(
  args: readonly string[],
  options: StartOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  const running = startService(args, options);
  const exit = await running.done;
  if (exit.code !== 0) {
    throw new Error(
      `service exited with ${exit.code ?? exit.signal}: ${running.stderr().slice(-2000)}\nargs: ${args.join(' ')}`,
    );
  }
  return { stdout: running.stdout(), stderr: running.stderr() };
}

/** Layout of one service run's files. */
export interface RunDirs {
  root: string;
  stateDir: string;
  statePath: string;
  parityLog: string;
  comparisonLog: string;
}

export function runDirs(root: string): RunDirs {
  return {
    root,
    stateDir: join(root, 'state'),
    statePath: join(root, 'state', 'state.json'),
    parityLog: join(root, 'logs', 'parity_log.jsonl'),
    // `<dir of --parity-log>/<wrapper name>_comparison.jsonl`
    comparisonLog: join(root, 'logs', 'multi_comparison.jsonl'),
  };
}

/** `run` flags for a dry run of the campaign configuration. */
export function runArgs(dirs: RunDirs, o: { market: string; broker: string; extra?: string[] }): string[] {
  return [
    'run',
    `--scenario-multi-yaml=${CAMPAIGN_CONFIG}`,
    `--state-dir=${dirs.stateDir}`,
    `--parity-log=${dirs.parityLog}`,
    `--market=${o.market}`,
    `--broker=${o.broker}`,
    '--health-addr=127.0.0.1:0',
    ...(o.extra ?? []),
  ];
}

export type JsonRecord = Record<string, unknown>;

export interface JsonlFile {
  records: JsonRecord[];
  /** Lines that are not a JSON object. */
  badLines: string[];
  /** The file does not end with `\n` (a torn final line). */
  tornTail: boolean;
  bytes: number;
}

export async function readJsonlFile(path: string): Promise<JsonlFile> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const lines = text.split('\n');
  const tornTail = text.length > 0 && !text.endsWith('\n');
  const records: JsonRecord[] = [];
  const badLines: string[] = [];
  lines.forEach((line, i) => {
    if (line === '') return;
    if (tornTail && i === lines.length - 1) {
      badLines.push(line);
      return;
    }
    try {
      const v = JSON.parse(line) as unknown;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) records.push(v as JsonRecord);
      else badLines.push(line);
    } catch {
      badLines.push(line);
    }
  });
  return { records, badLines, tornTail, bytes: Buffer.byteLength(text) };
}

export const ofKind = (records: readonly JsonRecord[], kind: string) =>
  records.filter((r) => r.record_kind === kind);

export async function readJsonFile<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Polls `probe` every `everyMs` until it returns a value, or fails after `limitMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  limitMs = 60_000,
  everyMs = 5,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - start > limitMs) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const created: string[] = [];

export async function tempRoot(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `aegis-${prefix}-`));
  created.push(dir);
  return dir;
}

export async function removeTempRoots(): Promise<void> {
  for (const dir of created.splice(0)) await rm(dir, { recursive: true, force: true });
}

/**
 * The one-line summary a service suite prints (and `run.mjs` collects through CAMPAIGN_SUMMARY_FILE),
 * shaped like the bad-input suites' lines: what was injected, cases run, what held.
 */
export function reportSummary(
  suite: string,
  o: { label: 'fast' | 'campaign'; seed: number; cases: string; held: string[]; failed?: string[] },
): string {
  const verdict =
    o.failed !== undefined && o.failed.length > 0
      ? `FAILED: ${o.failed.join(' | ')}`
      : `held: ${o.held.join('; ')}`;
  const line = `[${suite}] ${o.cases} (${o.label}, seed ${o.seed}); ${verdict}`;
  console.log(line);
  const file = readCampaignEnv().summaryFile;
  if (file) appendFileSync(file, `${line}\n`);
  return line;
}
