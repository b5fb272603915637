import { type FSWatcher, watch } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { SaxoError } from '../errors.js';
import { type Logger, type NowMs, realSleep, type SleepMs, silentLogger } from '../ports.js';
import { parseTokenFile } from './parse-token-file.js';

/** Where the client gets its bearer token. Implementations never log or expose the token elsewhere. */
export interface TokenSource {
  /** A token valid now; throws a `SaxoError` with a `token_*` kind when there is none. */
  getAccessToken(): Promise<string>;
  /** Forget the cached token (after a 401) so the next call re-reads the file. */
  invalidate(): void;
  /** Token-free view for health checks and logs. */
  status(): TokenStatus;
  /** Stop watching the file. */
  close(): void;
}

export interface TokenStatus {
  path: string;
  expiresAtMs: number | null;
  lastReadAtMs: number | null;
  watching: boolean;
}

export interface TokenSourceOptions {
  path: string;
  now: NowMs;
  logger?: Logger;
  /** Re-read the file before use when fewer seconds than this remain (default 120). */
  nearExpirySeconds?: number;
  /** How often and how long a half-written file is re-read before giving up (default 5 × 40 ms). */
  halfWrittenRetries?: number;
  halfWrittenDelayMs?: number;
  /** Set false to rely on the stat-on-use polling only (default true). */
  watch?: boolean;
  sleep?: SleepMs;
}

interface Cached {
  token: string;
  expiresAtMs: number;
  fileKey: string;
}

/**
 * Reads the token file a separate keeper maintains; never writes it.
 *
 * Freshness: `fs.watch` on the directory marks the cache dirty when the file is replaced (keepers
 * write a temp file and rename it), and every use also compares the file's inode/size/mtime (the
 * polling fallback for file systems where watch events are lost), so a rotated token is picked up
 * on the next request without a restart.
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const { path, now } = options;
  const logger = options.logger ?? silentLogger;
  const sleep = options.sleep ?? realSleep;
  const nearExpiryMs = (options.nearExpirySeconds ?? 120) * 1000;
  const retries = options.halfWrittenRetries ?? 5;
  const retryDelayMs = options.halfWrittenDelayMs ?? 40;

  let cached: Cached | null = null;
  let dirty = true;
  let lastReadAtMs: number | null = null;
  let warnedModeKey: string | null = null;
  let warnedNearExpiryAt: number | null = null;
  let inflight: Promise<string> | null = null;
  let watcher: FSWatcher | null = null;

  if (options.watch !== false) {
    try {
      const name = basename(path);
      watcher = watch(dirname(path), { persistent: false }, (_event, filename) => {
        if (filename === null || filename.toString() === name) dirty = true;
      });
      watcher.on('error', (error) => {
        logger.warn({ path, err: error.message }, 'token file watch failed; polling on use');
        watcher?.close();
        watcher = null;
      });
    } catch (error) {
      logger.warn(
        { path, err: error instanceof Error ? error.message : String(error) },
        'token file watch unavailable; polling on use',
      );
      watcher = null;
    }
  }

  const fail = (kind: SaxoError['kind'], detail: string, cause?: unknown): SaxoError =>
    new SaxoError({ kind, message: `token file ${path}: ${detail}`, cause });

  async function statKey(): Promise<{ key: string; mode: number }> {
    try {
      const info = await stat(path);
      return { key: `${info.ino}:${info.size}:${info.mtimeMs}`, mode: info.mode };
    } catch (error) {
      throw fileError(error);
    }
  }

  function fileError(error: unknown): SaxoError {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') return fail('token_missing', 'missing (ENOENT)', error);
    return fail('token_unreadable', `cannot read (${code ?? 'error'})`, error);
  }

  function checkMode(key: string, mode: number): void {
    // Group/other bits on a bearer-token file let other local users trade on the account.
    if ((mode & 0o077) !== 0 && warnedModeKey !== key) {
      warnedModeKey = key;
      logger.warn(
        { path, mode: `0${(mode & 0o777).toString(8)}` },
        'token file is readable by group or other; expected mode 0600',
      );
    }
  }

  async function load(): Promise<Cached> {
    let lastProblem = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(retryDelayMs);
      const before = await statKey();
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        throw fileError(error);
      }
      const parsed = parseTokenFile(text);
      if (parsed.ok) {
        checkMode(before.key, before.mode);
        const after = await statKey();
        // Changed while we read it: the keeper is mid-write; read again.
        if (after.key !== before.key) {
          lastProblem = 'changed while reading';
          continue;
        }
        lastReadAtMs = now();
        return { token: parsed.accessToken, expiresAtMs: parsed.expiresAtMs, fileKey: after.key };
      }
      if (parsed.problem === 'corrupt' && attempt >= 1) {
        throw fail('token_corrupt', parsed.detail);
      }
      lastProblem = parsed.detail;
    }
    throw fail('token_incomplete', `half-written after ${retries + 1} reads: ${lastProblem}`);
  }

  async function refresh(): Promise<string> {
    const nowMs = now();
    let needRead = dirty || cached === null || cached.expiresAtMs - nowMs < nearExpiryMs;
    if (!needRead && cached) {
      const { key } = await statKey();
      needRead = key !== cached.fileKey;
    }
    if (needRead) {
      dirty = false;
      const previous = cached;
      try {
        cached = await load();
      } catch (error) {
        cached = null;
        throw error;
      }
      if (previous && previous.token !== cached.token) {
        logger.info({ path, expiresAt: new Date(cached.expiresAtMs).toISOString() }, 'token file rotated');
      } else if (!previous) {
        logger.info({ path, expiresAt: new Date(cached.expiresAtMs).toISOString() }, 'token file read');
      }
    }
    const current = cached as Cached;
    const remainingMs = current.expiresAtMs - now();
    if (remainingMs <= 0) {
      throw fail('token_expired', `expired at ${new Date(current.expiresAtMs).toISOString()}`);
    }
    if (remainingMs < nearExpiryMs && warnedNearExpiryAt !== current.expiresAtMs) {
      warnedNearExpiryAt = current.expiresAtMs;
      logger.warn(
        {
          path,
          expiresAt: new Date(current.expiresAtMs).toISOString(),
          remainingSeconds: remainingMs / 1000,
        },
        'token near expiry and the keeper has not rotated it',
      );
    }
    return current.token;
  }

  return {
    getAccessToken() {
      // One read at a time: concurrent callers share the in-flight read.
      if (!inflight) {
        inflight = refresh().finally(() => {
          inflight = null;
        });
      }
      return inflight;
    },
    invalidate() {
      dirty = true;
    },
    status() {
      return {
        path,
        expiresAtMs: cached?.expiresAtMs ?? null,
        lastReadAtMs,
        watching: watcher !== null,
      };
    },
    close() {
      watcher?.close();
      watcher = null;
    },
  };
}
