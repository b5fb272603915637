/**
 * Streaming, tolerant reader of parity logs: a file, a `.gz` file, or a directory of them (name order).
 * Memory stays constant: one read chunk plus at most one partial line is held at a time.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { fromFsError, ParityLogError } from './errors.js';
import {
  formatIssues,
  type ParityRecord,
  ParityRecordSchema,
  RECORD_KINDS,
  type RecordKind,
} from './schema.js';
import { fastCheckRecord } from './validate.js';

export interface ParityLogEntry {
  record: ParityRecord;
  /** Path of the file the record came from. */
  file: string;
  /** 1-based line number in that file (after decompression). */
  line: number;
}

export interface BadLine {
  file: string;
  line: number;
  /** What is wrong: `not JSON: Unexpected token…`, `scan_count: expected integer, got "7"`, `torn final line …`. */
  reason: string;
  /** The first 120 characters of the line. */
  excerpt: string;
}

export interface OtherVersionLine {
  file: string;
  line: number;
  schemaVersion: unknown;
  recordKind: unknown;
}

export interface ReadParityLogOptions {
  /** Called for every line that is not a usable record; the line is skipped. Without it, skipped silently. */
  onBadLine?: (bad: BadLine) => void;
  /** Called for records whose `schema_version` is not 1; they are not yielded. */
  onOtherVersion?: (info: OtherVersionLine) => void;
  /** Bytes of input consumed since the last call (compressed bytes for `.gz`). */
  onProgress?: (deltaBytes: number) => void;
  /** Called when a new file starts. */
  onFile?: (file: string) => void;
  /** `fast` (default): hand-written checks of the envelope and the compared fields; `strict`: the full zod schema. */
  validate?: 'fast' | 'strict';
  /** Only yield these kinds (the others are skipped unchecked). Default: every known kind. */
  kinds?: readonly RecordKind[];
  /** A line longer than this is reported as bad and skipped; default 8 MiB. */
  maxLineBytes?: number;
  /** Bytes per read; default 1 MiB. */
  chunkBytes?: number;
}

const LOG_FILE = /\.jsonl(\.gz)?$/;

/** The log files a path names: itself, or the `*.jsonl` / `*.jsonl.gz` files of a directory in name order. */
export async function listParityLogFiles(pathOrDir: string): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(pathOrDir);
  } catch (error) {
    throw fromFsError(error, 'stat', pathOrDir);
  }
  if (info.isFile()) return [pathOrDir];
  if (!info.isDirectory()) {
    throw new ParityLogError({
      kind: 'not_a_file',
      operation: 'stat',
      path: pathOrDir,
      detail: 'not a file or directory',
    });
  }
  let names: string[];
  try {
    names = await readdir(pathOrDir);
  } catch (error) {
    throw fromFsError(error, 'readdir', pathOrDir);
  }
  const files = names
    .filter((n) => LOG_FILE.test(n))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((n) => join(pathOrDir, n));
  if (files.length === 0) {
    throw new ParityLogError({
      kind: 'not_found',
      operation: 'readdir',
      path: pathOrDir,
      detail: 'no *.jsonl or *.jsonl.gz files in this directory',
    });
  }
  return files;
}

const excerptOf = (text: string): string => (text.length > 120 ? `${text.slice(0, 120)}…` : text);

/**
 * Turns lines into entries. Kept separate from the byte splitting so that the batch and the
 * per-record readers share it.
 */
function makeLineHandler<T>(
  options: ReadParityLogOptions,
  project: ((entry: ParityLogEntry) => T | undefined) | null,
) {
  const strict = options.validate === 'strict';
  const wanted = new Set<unknown>(options.kinds ?? RECORD_KINDS);
  const onBad = options.onBadLine;
  const onOther = options.onOtherVersion;
  const emit = (entry: ParityLogEntry, out: T[]) => {
    if (project === null) out.push(entry as T);
    else {
      const value = project(entry);
      if (value !== undefined) out.push(value);
    }
  };
  return (text: string, file: string, line: number, out: T[]): void => {
    if (text.length === 0 || (text.length === 1 && text === '\r')) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      onBad?.({ file, line, reason: `not JSON: ${(error as Error).message}`, excerpt: excerptOf(text) });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      onBad?.({ file, line, reason: 'not a JSON object', excerpt: excerptOf(text) });
      return;
    }
    const r = value as Record<string, unknown>;
    const kind = r.record_kind;
    if (typeof kind !== 'string') {
      onBad?.({ file, line, reason: 'record_kind: missing or not a string', excerpt: excerptOf(text) });
      return;
    }
    if (r.schema_version !== 1) {
      onOther?.({ file, line, schemaVersion: r.schema_version, recordKind: kind });
      return;
    }
    if (!wanted.has(kind)) return;
    if (strict) {
      const parsed = ParityRecordSchema.safeParse(r);
      if (!parsed.success) {
        onBad?.({ file, line, reason: `${kind}: ${formatIssues(parsed.error)}`, excerpt: excerptOf(text) });
        return;
      }
      emit({ record: parsed.data, file, line }, out);
      return;
    }
    const problem = fastCheckRecord(r);
    if (problem) {
      onBad?.({ file, line, reason: `${kind}: ${problem}`, excerpt: excerptOf(text) });
      return;
    }
    emit({ record: r as ParityRecord, file, line }, out);
  };
}

/**
 * Reads the parity log(s) at a path in batches (one batch per read chunk). The fastest way through a
 * large log; `readParityLog` flattens it.
 */
export function readParityLogBatches(
  pathOrDir: string,
  options?: ReadParityLogOptions,
): AsyncGenerator<ParityLogEntry[]>;
/**
 * With `project`, each record is mapped as soon as it is parsed and only the mapped values are kept
 * (undefined drops it): the parsed objects die young, which keeps a multi-gigabyte read cheap on GC.
 */
export function readParityLogBatches<T>(
  pathOrDir: string,
  options: ReadParityLogOptions,
  project: (entry: ParityLogEntry) => T | undefined,
): AsyncGenerator<T[]>;
export async function* readParityLogBatches<T>(
  pathOrDir: string,
  options: ReadParityLogOptions = {},
  project?: (entry: ParityLogEntry) => T | undefined,
): AsyncGenerator<T[]> {
  const files = await listParityLogFiles(pathOrDir);
  const handle = makeLineHandler<T>(options, project ?? null);
  const maxLine = options.maxLineBytes ?? 8 * 1024 * 1024;
  const chunkBytes = options.chunkBytes ?? 1024 * 1024;
  const onBad = options.onBadLine;
  const onProgress = options.onProgress;

  for (const file of files) {
    options.onFile?.(file);
    const raw = createReadStream(file, { highWaterMark: chunkBytes });
    if (onProgress) raw.on('data', (chunk) => onProgress(chunk.length));
    const gz = file.endsWith('.gz');
    const source = gz ? raw.pipe(createGunzip({ chunkSize: 256 * 1024 })) : raw;
    if (gz) raw.on('error', (error) => source.destroy(error));

    let lineNo = 0;
    let carry: Buffer | null = null;
    /** Bytes of an over-long line being skipped, or -1 when not skipping. */
    let skipping = -1;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        const out: T[] = [];
        let buf: Buffer = chunk;
        let start = 0;
        let nl = buf.indexOf(0x0a, 0);
        if (carry !== null && nl !== -1) {
          // Join the partial line with its end only (not the whole chunk) to keep copies small.
          const joined: Buffer = Buffer.concat([carry, buf.subarray(0, nl)]);
          carry = null;
          lineNo++;
          handle(joined.toString('utf8'), file, lineNo, out);
          start = nl + 1;
          nl = buf.indexOf(0x0a, start);
        } else if (skipping >= 0 && nl !== -1) {
          lineNo++;
          onBad?.({ file, line: lineNo, reason: `line longer than ${maxLine} bytes`, excerpt: '' });
          skipping = -1;
          start = nl + 1;
          nl = buf.indexOf(0x0a, start);
        }
        while (nl !== -1) {
          lineNo++;
          handle(buf.toString('utf8', start, nl), file, lineNo, out);
          start = nl + 1;
          nl = buf.indexOf(0x0a, start);
        }
        if (start < buf.length && skipping < 0) {
          const rest = buf.subarray(start);
          carry = carry === null ? Buffer.from(rest) : Buffer.concat([carry, rest]);
          if (carry.length > maxLine) {
            skipping = carry.length;
            carry = null;
          }
        }
        buf = Buffer.alloc(0);
        if (out.length > 0) yield out;
      }
    } catch (error) {
      if (gz && isZlibError(error)) {
        onBad?.({
          file,
          line: lineNo + 1,
          reason: `gzip stream unreadable from here on: ${(error as Error).message}`,
          excerpt: '',
        });
        continue;
      }
      throw fromFsError(error, 'read', file);
    } finally {
      raw.destroy();
    }
    if (skipping >= 0) {
      onBad?.({ file, line: lineNo + 1, reason: `line longer than ${maxLine} bytes`, excerpt: '' });
    } else if (carry !== null && carry.length > 0) {
      const text = carry.toString('utf8');
      onBad?.({
        file,
        line: lineNo + 1,
        reason: `torn final line (${carry.length} bytes, no trailing newline)`,
        excerpt: excerptOf(text),
      });
    }
  }
}

function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** Reads the parity log(s) at a path record by record. */
export async function* readParityLog(
  pathOrDir: string,
  options: ReadParityLogOptions = {},
): AsyncGenerator<ParityLogEntry> {
  for await (const batch of readParityLogBatches(pathOrDir, options)) yield* batch;
}
