import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeStaleTempFiles, writeFileAtomic } from './atomic.js';
import { acquireStateLock, LOCK_FILE, type StateLock, type StateLockedError } from './lock.js';
import { createStateStore, type StateFileError } from './store.js';

let dir: string;
const locks: StateLock[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scan-cycle-state-'));
});
afterEach(async () => {
  for (const l of locks.splice(0)) await l.release();
});

/** A pid that surely is dead: a child that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid as number;
}

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temp file behind', async () => {
    const path = join(dir, 'state.json');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, 'two');
    expect(await readFile(path, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['state.json']);
  });
});

describe('removeStaleTempFiles', () => {
  it('removes only the temp files an interrupted atomic write leaves behind', async () => {
    await writeFile(join(dir, 'state.json'), '{}');
    await writeFile(join(dir, '.state.json.4242.0a1b2c3d.tmp'), '{"half":');
    await writeFile(join(dir, '.intents.json.17.deadbeef.tmp'), '');
    await writeFile(join(dir, 'notes.tmp'), 'operator file');
    expect((await removeStaleTempFiles(dir)).sort()).toEqual([
      '.intents.json.17.deadbeef.tmp',
      '.state.json.4242.0a1b2c3d.tmp',
    ]);
    expect((await readdir(dir)).sort()).toEqual(['notes.tmp', 'state.json']);
  });
});

describe('acquireStateLock', () => {
  it('refuses a second holder and names the first', async () => {
    const first = await acquireStateLock(dir, '0.1.0', '2026-04-10T13:00:00.000Z');
    locks.push(first);
    const holder = {
      pid: process.pid + 100000,
      host: hostname(),
      startedAt: '2026-04-10T13:00:00.000Z',
      version: '0.1.0',
    };
    // Simulate another live process on this host: use our parent pid, which is alive.
    holder.pid = process.ppid;
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(holder));
    const error = await acquireStateLock(dir, '0.1.0', '2026-04-10T13:05:00.000Z').catch((e: unknown) => e);
    expect((error as StateLockedError)._tag).toBe('StateLockedError');
    expect((error as StateLockedError).message).toContain(
      `pid ${process.ppid} on host ${hostname()} since 2026-04-10T13:00:00.000Z`,
    );
  });

  it('takes over the lock of a dead process on this host', async () => {
    const pid = await deadPid();
    const stale = { pid, host: hostname(), startedAt: '2026-04-09T13:00:00.000Z', version: '0.1.0' };
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(stale));
    const lock = await acquireStateLock(dir, '0.1.0', '2026-04-10T13:00:00.000Z');
    locks.push(lock);
    expect(lock.tookOver).toEqual(stale);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('refuses a lock held from another host', async () => {
    await writeFile(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: '2026-04-09T13:00:00.000Z', version: '0.1.0' }),
    );
    await expect(acquireStateLock(dir, '0.1.0', 'x')).rejects.toThrow(
      /pid 1 on host elsewhere.*another host/,
    );
  });

  it('release removes only its own lock', async () => {
    const lock = await acquireStateLock(dir, '0.1.0', 'x');
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('state store', () => {
  it('returns null for a new directory, refuses a corrupt file, sees the HALT file', async () => {
    const store = await createStateStore(dir);
    expect(await store.load()).toBeNull();
    expect(await store.haltRequested()).toBe(false);
    await writeFile(join(dir, 'HALT'), '');
    expect(await store.haltRequested()).toBe(true);
    await writeFile(store.statePath, '{"format":"aegis-scan-cycle-state","version":1,"engine":{"version":1}');
    const error = await store.load().catch((e: unknown) => e);
    expect((error as StateFileError)._tag).toBe('StateFileError');
    expect((error as Error).message).toBe(`state file ${store.statePath}: not valid JSON`);
  });
});
