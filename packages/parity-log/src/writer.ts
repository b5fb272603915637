/**
 * Append-only, crash-safe parity log writer.
 *
 * - One `write()` per record, the whole `\n`-terminated line, so a crash leaves at most one torn final line.
 * - A torn final line (no `\n`) found when opening is moved aside to `<path>.torn-<stamp>` and cut off the
 *   log, so the next record can never be glued to it.
 * - A failed or short write is rolled back (the file is truncated to its size before the record), so a record
 *   is either wholly in the file or absent.
 */
import { open as openFile } from 'node:fs/promises';
import { fromFsError, ParityLogError } from './errors.js';
import { formatIssues, type ParityRecord, ParityRecordSchema } from './schema.js';

export type FsyncPolicy = 'always' | 'interval' | 'never';

/** A pino logger satisfies this. */
export interface ParityLogLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The few file operations the writer needs; the default is a Node `FileHandle` opened `a+`. */
export interface LogFile {
  size(): Promise<number>;
  /** Positional read; returns bytes read. */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** Appends with one `write()` call; returns bytes written (may be short). */
  append(buffer: Uint8Array): Promise<number>;
  truncate(length: number): Promise<void>;
  datasync(): Promise<void>;
  close(): Promise<void>;
}

export type OpenLogFile = (path: string) => Promise<LogFile>;

export const openNodeLogFile: OpenLogFile = async (path) => {
  const fh = await openFile(path, 'a+');
  return {
    size: async () => (await fh.stat()).size,
    read: async (buffer, offset, length, position) =>
      (await fh.read(buffer, offset, length, position)).bytesRead,
    append: async (buffer) => (await fh.write(buffer, 0, buffer.length)).bytesWritten,
    truncate: (length) => fh.truncate(length),
    datasync: () => fh.datasync(),
    close: () => fh.close(),
  };
};

export interface TornTailRepair {
  /** Bytes of the torn final line that were cut off the log. */
  tornBytes: number;
  /** Size of the log after the repair (it ends with `\n` or is empty). */
  keptBytes: number;
  /** Where the torn bytes were saved, byte for byte. */
  movedTo: string;
  /** The first 120 characters of the torn bytes, for the operator. */
  preview: string;
}

export interface ParityLogWriterOptions {
  fsync: FsyncPolicy;
  /** For `fsync: 'interval'`; default 1000 ms. */
  fsyncIntervalMs?: number;
  logger?: ParityLogLogger;
  /** Validate each record against the v1 schema before writing (default true). */
  validate?: boolean;
  /** Clock for the name of the moved-aside torn tail; default `Date.now`. */
  nowMs?: () => number;
  /** File access; tests inject faults here. */
  openLogFile?: OpenLogFile;
}

export interface ParityLogWriter {
  readonly path: string;
  /** What was repaired at open, or null when the log ended cleanly. */
  readonly repaired: TornTailRepair | null;
  /** Size in bytes of the log as this writer knows it. */
  readonly sizeBytes: number;
  /** Resolves once the whole line is written (and fsynced under `fsync: 'always'`). */
  append(record: ParityRecord): Promise<void>;
  /** Flushes (unless `fsync: 'never'`) and closes; further appends fail with kind `closed`. */
  close(): Promise<void>;
}

const NL = 0x0a;
const TAIL_CHUNK_BYTES = 64 * 1024;

function stampOf(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

async function readFully(file: LogFile, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = await file.read(buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** Offset just past the last `\n` before `size` (0 when there is none). */
async function lastNewlineEnd(file: LogFile, size: number): Promise<number> {
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - TAIL_CHUNK_BYTES);
    const chunk = await readFully(file, start, end - start);
    const i = chunk.lastIndexOf(NL);
    if (i !== -1) return start + i + 1;
    end = start;
  }
  return 0;
}

async function repairTornTail(
  file: LogFile,
  path: string,
  nowMs: () => number,
  openAside: OpenLogFile,
): Promise<TornTailRepair | null> {
  const size = await file.size();
  if (size === 0) return null;
  const last = await readFully(file, size - 1, 1);
  if (last[0] === NL) return null;
  const keptBytes = await lastNewlineEnd(file, size);
  const tornBytes = size - keptBytes;
  const movedTo = `${path}.torn-${stampOf(nowMs())}`;
  // Save the torn bytes first (and make them durable) so the repair never loses anything.
  const aside = await openAside(movedTo);
  try {
    let copied = 0;
    let preview = '';
    while (copied < tornBytes) {
      const chunk = await readFully(file, keptBytes + copied, Math.min(1 << 20, tornBytes - copied));
      if (chunk.length === 0) break;
      if (copied === 0) preview = chunk.subarray(0, 480).toString('utf8').slice(0, 120);
      let off = 0;
      while (off < chunk.length) off += await aside.append(chunk.subarray(off));
      copied += chunk.length;
    }
    await aside.datasync();
    await file.truncate(keptBytes);
    await file.datasync();
    return { tornBytes, keptBytes, movedTo, preview };
  } finally {
    await aside.close();
  }
}

/**
 * Opens (creating if needed) a parity log for appending. The parent directory must exist.
 * Single writer per file: the service's state-directory lock guarantees it.
 */
export async function openParityLogWriter(
  path: string,
  options: ParityLogWriterOptions,
): Promise<ParityLogWriter> {
  const open = options.openLogFile ?? openNodeLogFile;
  const logger = options.logger;
  const validate = options.validate ?? true;
  const nowMs = options.nowMs ?? Date.now;

  let file: LogFile;
  try {
    file = await open(path);
  } catch (error) {
    throw fromFsError(error, 'open', path);
  }

  let repaired: TornTailRepair | null;
  let sizeBytes: number;
  try {
    repaired = await repairTornTail(file, path, nowMs, open);
    sizeBytes = await file.size();
  } catch (error) {
    await file.close().catch(() => undefined);
    throw fromFsError(error, 'repair', path, 'could not repair the torn final line');
  }
  if (repaired) {
    logger?.warn(
      { path, torn_bytes: repaired.tornBytes, kept_bytes: repaired.keptBytes, moved_to: repaired.movedTo },
      'parity log: torn final line moved aside',
    );
  }

  let closed = false;
  /** Set when a rollback failed: the file's tail is unknown, so nothing more may be appended. */
  let broken: ParityLogError | null = null;
  let pendingSyncError: ParityLogError | null = null;
  let dirty = false;
  let queue: Promise<unknown> = Promise.resolve();

  const enqueue = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  const rollback = async (before: number, cause: ParityLogError): Promise<never> => {
    try {
      await file.truncate(before);
      sizeBytes = before;
    } catch (truncateError) {
      broken = new ParityLogError({
        kind: 'closed',
        operation: 'append',
        path,
        detail: `writer disabled: could not truncate back to ${before} bytes after a failed write (${cause.message})`,
        cause: truncateError,
      });
      logger?.error({ path, before_bytes: before }, 'parity log: rollback after a failed write failed');
      throw broken;
    }
    logger?.error(
      { path, kind: cause.kind, code: cause.code },
      'parity log: record not written, rolled back',
    );
    throw cause;
  };

  const writeLine = async (line: Buffer): Promise<void> => {
    if (broken) throw broken;
    if (closed)
      throw new ParityLogError({ kind: 'closed', operation: 'append', path, detail: 'writer is closed' });
    if (pendingSyncError) {
      const error = pendingSyncError;
      pendingSyncError = null;
      throw error;
    }
    const before = sizeBytes;
    let written: number;
    try {
      written = await file.append(line);
    } catch (error) {
      return rollback(
        before,
        fromFsError(error, 'append', path, `record not written; log truncated back to ${before} bytes`),
      );
    }
    if (written !== line.length) {
      return rollback(
        before,
        new ParityLogError({
          kind: 'no_space',
          operation: 'append',
          path,
          detail: `short write (${written} of ${line.length} bytes); record not written; log truncated back to ${before} bytes`,
        }),
      );
    }
    sizeBytes = before + line.length;
    if (options.fsync === 'always') {
      try {
        await file.datasync();
      } catch (error) {
        // Not durable and of unknown state on disk: take it back out rather than acknowledge it.
        return rollback(before, fromFsError(error, 'fsync', path, 'record not acknowledged; rolled back'));
      }
    } else {
      dirty = true;
    }
  };

  let timer: NodeJS.Timeout | undefined;
  if (options.fsync === 'interval') {
    timer = setInterval(() => {
      if (!dirty || closed) return;
      dirty = false;
      void enqueue(async () => {
        try {
          await file.datasync();
        } catch (error) {
          pendingSyncError = fromFsError(error, 'fsync', path, 'periodic fsync failed');
          logger?.error({ path, code: pendingSyncError.code }, 'parity log: periodic fsync failed');
        }
      });
    }, options.fsyncIntervalMs ?? 1000);
    timer.unref();
  }

  return {
    path,
    repaired,
    get sizeBytes() {
      return sizeBytes;
    },
    append(record: ParityRecord): Promise<void> {
      if (validate) {
        const parsed = ParityRecordSchema.safeParse(record);
        if (!parsed.success) {
          const kind = (record as { record_kind?: unknown })?.record_kind;
          return Promise.reject(
            new ParityLogError({
              kind: 'invalid_record',
              operation: 'append',
              path,
              detail: `invalid ${typeof kind === 'string' ? kind : 'unknown-kind'} record: ${formatIssues(parsed.error)}`,
            }),
          );
        }
      }
      let line: Buffer;
      try {
        line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
      } catch (error) {
        return Promise.reject(
          new ParityLogError({
            kind: 'invalid_record',
            operation: 'append',
            path,
            detail: 'record is not serialisable as JSON',
            cause: error,
          }),
        );
      }
      return enqueue(() => writeLine(line));
    },
    close(): Promise<void> {
      return enqueue(async () => {
        if (closed) return;
        closed = true;
        if (timer) clearInterval(timer);
        try {
          if (options.fsync !== 'never' && dirty && !broken) await file.datasync();
        } catch (error) {
          await file.close().catch(() => undefined);
          throw fromFsError(error, 'close', path, 'final fsync failed');
        }
        try {
          await file.close();
        } catch (error) {
          throw fromFsError(error, 'close', path);
        }
      });
    },
  };
}
