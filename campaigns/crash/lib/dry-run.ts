/**
 * The dry-run crash campaign: record a session, replay it once uninterrupted (the reference), then
 * replay it again while SIGKILLing the service at seeded instants and restarting it on the same
 * state directory each time. The service offers no hook, so kill instants come from the outside:
 * some at a random wall-clock delay, the others on file-system events (inotify) of the state file and
 * the parity log, so that every phase of a scan is hit. Where each kill landed is then read off the
 * disk, not assumed.
 */
import { type FSWatcher, watch } from 'node:fs';
import { appendFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { mulberry32, type Rng } from '@aegis/parity-log/testing';
import {
  type JsonRecord,
  ofKind,
  type RunDirs,
  readJsonFile,
  readJsonlFile,
  runArgs,
  runDirs,
  runServiceToEnd,
  SESSION_START,
  startService,
  waitFor,
} from './service.js';
import { type CampaignBroker, startCampaignBroker } from './venues.js';

/** How a kill instant is chosen. */
export type KillMode =
  /** A random delay after spawn: module loading, lock, recovery of the previous crash. */
  | 'startup'
  /** A random delay once the target scan is reached: mostly fetch and decide. */
  | 'wall'
  /** As soon as the atomic state write creates its temp file. */
  | 'state-temp'
  /** As soon as the new state file is renamed into place (before the log append). */
  | 'state-renamed'
  /** As soon as the parity log grows (during or right after an append). */
  | 'log-append';

export const KILL_MODES: readonly KillMode[] = [
  'startup',
  'wall',
  'state-temp',
  'state-renamed',
  'log-append',
];

/** Where a kill landed, read off the disk after the process died. */
export type KillPhase =
  | 'before startup record (loading, lock, recovery)'
  | 'during state write (temp file left)'
  | 'after state write, before log append'
  | 'between the records of one scan'
  | 'during append (torn line)'
  | 'scan in flight (fetch, decide, broker)';

export interface KillRecord {
  index: number;
  mode: KillMode;
  phase: KillPhase;
  /** `scanCount` in the state file after the kill. */
  stateScanCount: number;
  /** Last `scan_count` in the parity log after the kill. */
  loggedScanCount: number;
  /** A half record was appended after the kill, as a power cut mid-append leaves it. */
  tornInjected: boolean;
}

export interface DryRunCampaignOptions {
  root: string;
  seed: number;
  kills: number;
  /** Scans in the recorded session. */
  scans: number;
  /** Every how many kills landing between state write and append get a torn half record (default 2). */
  tornEvery?: number;
  progress?: (line: string) => void;
}

export interface DryRunCampaignResult {
  reference: RunDirs;
  crashed: RunDirs;
  kills: KillRecord[];
  /** Service processes started for the crashed run (kills + the final clean one). */
  processes: number;
  broker: { prechecks: number; orderPosts: number };
}

const TEMP = /^\.state\.json\..*\.tmp$/;

async function tempFiles(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((f) => TEMP.test(f));
}

async function stateScanCount(dirs: RunDirs): Promise<number> {
  const state = await readJsonFile<{ engine: { scanCount: number } }>(dirs.statePath);
  return state?.engine.scanCount ?? 0;
}

/** Reads where the kill landed from the state file, the log and the temp files. */
async function classify(
  dirs: RunDirs,
  before: { startups: number; temps: number },
): Promise<Omit<KillRecord, 'index' | 'mode' | 'tornInjected'>> {
  const state = await readJsonFile<{
    engine: { scanCount: number };
    pending: { scanCount: number; parity: JsonRecord[] } | null;
  }>(dirs.statePath);
  const log = await readJsonlFile(dirs.parityLog);
  const scans = ofKind(log.records, 'scan');
  const stateScanCount = state?.engine.scanCount ?? 0;
  const loggedScanCount = (scans.at(-1)?.scan_count as number | undefined) ?? 0;
  const base = { stateScanCount, loggedScanCount };
  if (ofKind(log.records, 'startup').length === before.startups)
    return { ...base, phase: 'before startup record (loading, lock, recovery)' };
  if (log.tornTail) return { ...base, phase: 'during append (torn line)' };
  if ((await tempFiles(dirs.stateDir)).length > before.temps)
    return { ...base, phase: 'during state write (temp file left)' };
  if (loggedScanCount < stateScanCount) {
    const breakers = (state?.pending?.parity ?? []).filter((r) => r.record_kind === 'breaker');
    const logged = ofKind(log.records, 'breaker').filter((r) => r.scan_count === stateScanCount);
    return {
      ...base,
      phase:
        breakers.length > 0 && logged.length > 0
          ? 'between the records of one scan'
          : 'after state write, before log append',
    };
  }
  return { ...base, phase: 'scan in flight (fetch, decide, broker)' };
}

/** Resolves on the first matching file-system event in `dir`, or never. */
function onEvent(dir: string, match: (event: string, file: string) => boolean, fire: () => void): FSWatcher {
  const watcher = watch(dir, (event, file) => {
    if (file !== null && match(event, file)) fire();
  });
  watcher.on('error', () => {});
  return watcher;
}

/** Kills one process of the crashed run at an instant chosen by `mode`. Resolves once it is dead. */
async function killOnce(
  args: string[],
  env: Record<string, string>,
  dirs: RunDirs,
  mode: KillMode,
  targetScan: number,
  rng: Rng,
): Promise<'killed' | 'finished'> {
  const proc = startService(args, { env });
  let dead = false;
  void proc.done.then(() => {
    dead = true;
  });
  const watchers: FSWatcher[] = [];
  const kill = () => {
    for (const w of watchers) w.close();
    proc.killHard();
  };
  try {
    if (mode === 'startup') {
      // Within the process's own start-up (Node + loading + recovery take over a second here), so the kill
      // lands before the first scan even when only a few scans of the replay are left.
      await new Promise((r) => setTimeout(r, Math.floor(rng() * 1000)));
      kill();
    } else {
      // Arm at the target scan (or at once when the run already resumed past it).
      await waitFor(
        `scan ${targetScan}`,
        async () => (dead || (await stateScanCount(dirs)) >= targetScan ? true : undefined),
        120_000,
        5,
      );
      if (!dead) {
        if (mode === 'wall') {
          await new Promise((r) => setTimeout(r, Math.floor(rng() * 40)));
          kill();
        } else {
          await new Promise<void>((resolve) => {
            const fire = () => {
              kill();
              resolve();
            };
            if (mode === 'log-append') {
              watchers.push(onEvent(join(dirs.root, 'logs'), (_e, f) => f === 'parity_log.jsonl', fire));
            } else {
              watchers.push(
                onEvent(
                  dirs.stateDir,
                  mode === 'state-temp'
                    ? (_e, f) => TEMP.test(f)
                    : (e, f) => e === 'rename' && f === 'state.json',
                  fire,
                ),
              );
            }
            void proc.done.then(() => resolve());
          });
        }
      }
    }
  } finally {
    for (const w of watchers) w.close();
  }
  const exit = await proc.done;
  if (exit.signal === 'SIGKILL') return 'killed';
  if (exit.code === 0) return 'finished';
  throw new Error(`service exited with ${exit.code}: ${proc.stderr().slice(-2000)}`);
}

/** Appends the first part of the pending scan record without its newline: a power cut mid-append. */
async function injectTornTail(dirs: RunDirs, rng: Rng): Promise<boolean> {
  const state = await readJsonFile<{ pending: { parity: JsonRecord[] } | null }>(dirs.statePath);
  const record = state?.pending?.parity.at(-1);
  if (record === undefined) return false;
  const line = JSON.stringify(record);
  await appendFile(dirs.parityLog, line.slice(0, 1 + Math.floor(rng() * (line.length - 2))));
  return true;
}

export async function runDryRunCrashCampaign(o: DryRunCampaignOptions): Promise<DryRunCampaignResult> {
  const rng = mulberry32(o.seed);
  const say = o.progress ?? (() => {});
  await mkdir(o.root, { recursive: true });
  const broker: CampaignBroker = await startCampaignBroker(o.root);
  try {
    const env = broker.env;
    const market = join(o.root, 'market');
    // 1. Record the session (the simulated market over loopback, prechecks at the fake broker).
    await runServiceToEnd(
      runArgs(runDirs(join(o.root, 'recording')), {
        market: 'sim:7',
        broker: 'saxo',
        extra: [
          '--dry-run',
          `--clock=virtual:${SESSION_START}`,
          `--max-scans=${o.scans}`,
          `--record-market=${market}`,
        ],
      }),
      { env },
    );
    // 2. The reference: the recording replayed without interruption.
    const reference = runDirs(join(o.root, 'reference'));
    await runServiceToEnd(
      runArgs(reference, { market: `replay:${market}`, broker: 'saxo', extra: ['--dry-run'] }),
      {
        env,
      },
    );
    say(`recorded and replayed ${o.scans} scans`);

    // 3. The same replay, killed K times. Targets spread over the session's scans, modes over the kinds.
    const crashed = runDirs(join(o.root, 'crashed'));
    const args = runArgs(crashed, { market: `replay:${market}`, broker: 'saxo', extra: ['--dry-run'] });
    const targets = Array.from({ length: o.kills }, () => 1 + Math.floor(rng() * (o.scans - 2))).sort(
      (a, b) => a - b,
    );
    const modes = targets.map(
      (_, i) => KILL_MODES[(i + Math.floor(rng() * 1000)) % KILL_MODES.length] as KillMode,
    );
    const kills: KillRecord[] = [];
    let processes = 0;
    const tornEvery = o.tornEvery ?? 2;
    let betweenWriteAndAppend = 0;
    for (let i = 0; i < o.kills; i++) {
      const mode = modes[i] as KillMode;
      const log = await readJsonlFile(crashed.parityLog);
      const before = {
        startups: ofKind(log.records, 'startup').length,
        temps: (await tempFiles(crashed.stateDir)).length,
      };
      processes++;
      const outcome = await killOnce(args, env, crashed, mode, targets[i] as number, rng);
      if (outcome === 'finished') break;
      const landed = await classify(crashed, before);
      let tornInjected = false;
      if (
        landed.phase === 'after state write, before log append' &&
        betweenWriteAndAppend++ % tornEvery === 0
      ) {
        tornInjected = await injectTornTail(crashed, rng);
      }
      kills.push({ index: i + 1, mode, tornInjected, ...landed });
      say(
        `kill ${i + 1}/${o.kills} (${mode}) landed: ${landed.phase}${tornInjected ? ' + torn half record' : ''}`,
      );
    }
    // 4. The last start runs to the end of the recording.
    processes++;
    await runServiceToEnd(args, { env });
    return {
      reference,
      crashed,
      kills,
      processes,
      broker: { prechecks: broker.server.prechecks.length, orderPosts: broker.server.orderPosts() },
    };
  } finally {
    await broker.server.close();
  }
}
