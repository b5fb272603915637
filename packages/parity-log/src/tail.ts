/**
 * Reading a log from its end: what the service needs at restart (the last scan record) without reading
 * a log of months from the start.
 */
import { open } from 'node:fs/promises';
import { fromFsError } from './errors.js';
import { type ParityRecord, ParityRecordSchema, type RecordKind } from './schema.js';

const CHUNK_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 8 * 1024 * 1024;

type Handle = Awaited<ReturnType<typeof open>>;

/**
 * Complete lines from the end of a file backwards. The bytes after the last `\n` (a torn final line)
 * are never yielded.
 */
async function* linesFromEnd(fh: Handle, size: number): AsyncGenerator<Buffer> {
  let pos = size;
  let carry: Buffer = Buffer.alloc(0);
  let sawNewline = false;
  while (pos > 0) {
    const len = Math.min(CHUNK_BYTES, pos);
    pos -= len;
    const chunk = Buffer.alloc(len);
    let got = 0;
    while (got < len) {
      const { bytesRead } = await fh.read(chunk, got, len - got, pos + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const buf = carry.length > 0 ? Buffer.concat([chunk, carry]) : chunk;
    let end = buf.length;
    let i = buf.lastIndexOf(0x0a, end - 1);
    while (i !== -1) {
      if (sawNewline) yield buf.subarray(i + 1, end);
      sawNewline = true;
      end = i;
      i = end > 0 ? buf.lastIndexOf(0x0a, end - 1) : -1;
    }
    // An over-long line is dropped rather than held in memory.
    carry = end > MAX_LINE_BYTES ? Buffer.alloc(0) : Buffer.from(buf.subarray(0, end));
  }
  if (sawNewline && carry.length > 0) yield carry;
}

function parseLine(line: Buffer): ParityRecord | null {
  if (line.length === 0) return null;
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch {
    return null;
  }
  const parsed = ParityRecordSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

async function withTail<T>(path: string, body: (lines: AsyncGenerator<Buffer>) => Promise<T>): Promise<T> {
  let fh: Handle;
  try {
    fh = await open(path, 'r');
  } catch (error) {
    throw fromFsError(error, 'open', path);
  }
  try {
    const { size } = await fh.stat();
    return await body(linesFromEnd(fh, size));
  } catch (error) {
    throw fromFsError(error, 'read', path);
  } finally {
    await fh.close();
  }
}

/**
 * The last `n` valid v1 records of a log, in file order. Torn, malformed, other-version and
 * unknown-kind lines are skipped. Reads only as much of the file's tail as it needs.
 */
export function readLastRecords(path: string, n: number): Promise<ParityRecord[]> {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`readLastRecords: n must be a non-negative integer, got ${n}`);
  return withTail(path, async (lines) => {
    const out: ParityRecord[] = [];
    if (n === 0) return out;
    for await (const line of lines) {
      const record = parseLine(line);
      if (record) {
        out.push(record);
        if (out.length === n) break;
      }
    }
    return out.reverse();
  });
}

/** The last valid v1 record of a kind (e.g. the last `scan` record), or null when there is none. */
export function lastRecordOfKind<K extends RecordKind>(
  path: string,
  kind: K,
): Promise<Extract<ParityRecord, { record_kind: K }> | null> {
  return withTail(path, async (lines) => {
    for await (const line of lines) {
      // Cheap pre-filter before parsing: the kind's literal must occur in the line.
      if (line.indexOf(`"${kind}"`) === -1) continue;
      const record = parseLine(line);
      if (record && record.record_kind === kind) return record as Extract<ParityRecord, { record_kind: K }>;
    }
    return null;
  });
}
