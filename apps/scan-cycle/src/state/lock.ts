import { mkdir, open, readFile, rmdir, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Who holds a state directory. */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  version: string;
}

export interface StateLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Whether a stale lock of a dead process was taken over on acquisition. */
  readonly tookOver: LockHolder | null;
  release(): Promise<void>;
}

/** A second instance on the same state directory, or a lock that cannot be judged stale. */
export class StateLockedError extends Error {
  readonly _tag = 'StateLockedError' as const;
  constructor(
    readonly lockPath: string,
    readonly holder: LockHolder | null,
    detail: string,
  ) {
    super(
      holder === null
        ? `state directory is locked (${lockPath}): ${detail}`
        : `state directory is locked by pid ${holder.pid} on host ${holder.host} since ${holder.startedAt} (${lockPath})${detail ? `: ${detail}` : ''}`,
    );
    this.name = 'StateLockedError';
  }
}

export const LOCK_FILE = 'scan-cycle.lock';
const TAKEOVER_DIR = 'scan-cycle.lock.takeover';
/** A takeover mutex older than this was left by a process that died mid-takeover. */
const TAKEOVER_STALE_MS = 30_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the pid exists but belongs to another user, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.startedAt === 'string') {
      return { pid: v.pid, host: v.host, startedAt: v.startedAt, version: String(v.version ?? '') };
    }
  } catch {
    // fall through
  }
  return null;
}

async function createExclusive(path: string, holder: LockHolder): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o644);
    try {
      await handle.writeFile(`${JSON.stringify(holder)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Takes the process lock of a state directory (O_EXCL create of `scan-cycle.lock`).
 *
 * A lock whose holder is on this host and whose pid is dead (or is our own pid: a container restarted
 * as pid 1) is stale and is taken over under a takeover mutex (an exclusive `mkdir`), re-checking the
 * lock's content inside the mutex so two starting instances cannot both win. A lock held from another
 * host cannot be judged from here and is refused.
 */
export async function acquireStateLock(
  stateDir: string,
  version: string,
  nowIso: string,
): Promise<StateLock> {
  const path = join(stateDir, LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: nowIso, version };
  let tookOver: LockHolder | null = null;

  if (!(await createExclusive(path, holder))) {
    const text = await readFile(path, 'utf8').catch(() => '');
    const existing = parseHolder(text);
    if (existing === null) {
      throw new StateLockedError(
        path,
        null,
        'the lock file is unreadable; remove it only if no instance is running',
      );
    }
    const stale = existing.host === holder.host && (existing.pid === process.pid || !isAlive(existing.pid));
    if (!stale) {
      throw new StateLockedError(
        path,
        existing,
        existing.host === holder.host
          ? 'that process is running; stop it first'
          : 'held from another host; remove the lock only if that instance is gone',
      );
    }
    const mutex = join(stateDir, TAKEOVER_DIR);
    try {
      await mkdir(mutex);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await stat(mutex)).mtimeMs;
      if (age < TAKEOVER_STALE_MS) {
        throw new StateLockedError(
          path,
          existing,
          'another instance is taking over the stale lock right now',
        );
      }
      await rmdir(mutex).catch(() => {});
      await mkdir(mutex);
    }
    try {
      const again = parseHolder(await readFile(path, 'utf8').catch(() => ''));
      if (again !== null && JSON.stringify(again) !== JSON.stringify(existing)) {
        throw new StateLockedError(path, again, 'another instance took the lock first');
      }
      await unlink(path).catch(() => {});
      if (!(await createExclusive(path, holder))) {
        throw new StateLockedError(
          path,
          parseHolder(await readFile(path, 'utf8').catch(() => '')),
          'lost a race',
        );
      }
      tookOver = existing;
    } finally {
      await rmdir(mutex).catch(() => {});
    }
  }

  let released = false;
  return {
    path,
    holder,
    tookOver,
    async release() {
      if (released) return;
      released = true;
      // Only remove the lock if it is still ours.
      const current = parseHolder(await readFile(path, 'utf8').catch(() => ''));
      if (current !== null && current.pid === holder.pid && current.startedAt === holder.startedAt) {
        await unlink(path).catch(() => {});
      }
    },
  };
}

/** Reads the lock holder without taking the lock (for `breaker` commands and messages). */
export async function readLockHolder(stateDir: string): Promise<LockHolder | null> {
  return parseHolder(await readFile(join(stateDir, LOCK_FILE), 'utf8').catch(() => ''));
}
