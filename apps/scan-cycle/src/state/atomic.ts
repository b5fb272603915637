import { randomBytes } from 'node:crypto';
import { close, fsync, open, rename, unlink, write } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const openP = promisify(open);
const writeP = promisify(write);
const fsyncP = promisify(fsync);
const closeP = promisify(close);
const renameP = promisify(rename);
const unlinkP = promisify(unlink);

/** fsync a directory so a rename inside it survives a power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  const fd = await openP(dir, 'r');
  try {
    await fsyncP(fd);
  } finally {
    await closeP(fd);
  }
}

/**
 * Replaces `path` with `data` so that a crash at any instant leaves either the old or the new file:
 * write a temp file in the same directory, fsync it, rename it over the target, fsync the directory.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = await openP(tmp, 'wx', mode);
  let renamed = false;
  try {
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await writeP(fd, bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
    await fsyncP(fd);
    await closeP(fd);
    await renameP(tmp, path);
    renamed = true;
    await fsyncDir(dir);
  } catch (error) {
    if (!renamed) {
      await closeP(fd).catch(() => {});
      await unlinkP(tmp).catch(() => {});
    }
    throw error;
  }
}

/** The temp-file names `writeFileAtomic` uses: `.<name>.<pid>.<8 hex>.tmp`. */
const TEMP_FILE = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes temp files a killed writer left behind (the target itself is always whole). Only call it
 * while holding the state lock: then no other writer can own a temp file here.
 */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  const stale = (await readdir(dir)).filter((name) => TEMP_FILE.test(name));
  for (const name of stale) await unlinkP(join(dir, name)).catch(() => {});
  return stale;
}
