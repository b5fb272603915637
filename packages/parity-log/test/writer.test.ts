import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isParityLogError, type ParityLogError } from '../src/errors.js';
import { type LogFile, openNodeLogFile, openParityLogWriter } from '../src/writer.js';
import { scanRecord, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n');

/** A real file whose `append` fails after writing part of the line (as a full disk does). */
function faultyOpen(fault: { code: string; partialBytes: number } | null, calls: string[]) {
  return async (path: string): Promise<LogFile> => {
    const real = await openNodeLogFile(path);
    return {
      ...real,
      append: async (buffer) => {
        calls.push('append');
        if (fault) {
          await real.append(buffer.subarray(0, fault.partialBytes));
          throw Object.assign(new Error(`${fault.code}: simulated`), { code: fault.code });
        }
        return real.append(buffer);
      },
      datasync: async () => {
        calls.push('datasync');
        await real.datasync();
      },
    };
  };
}

describe('openParityLogWriter', () => {
  it('appends one complete line per record and reports no repair on a clean file', async () => {
    const path = join(dir, 'parity.jsonl');
    const writer = await openParityLogWriter(path, { fsync: 'always' });
    expect(writer.repaired).toBeNull();
    await writer.append(scanRecord(1));
    await writer.append(scanRecord(2));
    await writer.close();
    const content = await lines(path);
    expect(content).toHaveLength(3);
    expect(content[2]).toBe('');
    expect(JSON.parse(content[1]!).scan_count).toBe(2);
  });

  it("fsyncs after every record under 'always' and not under 'never'", async () => {
    const calls: string[] = [];
    const always = await openParityLogWriter(join(dir, 'a.jsonl'), {
      fsync: 'always',
      openLogFile: faultyOpen(null, calls),
    });
    await always.append(scanRecord(1));
    await always.append(scanRecord(2));
    expect(calls).toEqual(['append', 'datasync', 'append', 'datasync']);
    await always.close();
    calls.length = 0;
    const never = await openParityLogWriter(join(dir, 'n.jsonl'), {
      fsync: 'never',
      openLogFile: faultyOpen(null, calls),
    });
    await never.append(scanRecord(1));
    await never.close();
    expect(calls).toEqual(['append']);
  });

  it('moves a torn final line aside and never glues the next record to it', async () => {
    const path = join(dir, 'parity.jsonl');
    const whole = `${JSON.stringify(scanRecord(1))}\n`;
    const torn = JSON.stringify(scanRecord(2)).slice(0, 57);
    await writeFile(path, whole + torn);
    const warnings: object[] = [];
    const logger = { info: () => {}, warn: (o: object) => warnings.push(o), error: () => {} };
    const writer = await openParityLogWriter(path, {
      fsync: 'always',
      logger,
      nowMs: () => Date.UTC(2026, 3, 10, 14, 0),
    });
    expect(writer.repaired).toEqual({
      tornBytes: 57,
      keptBytes: Buffer.byteLength(whole),
      movedTo: `${path}.torn-20260410T140000000Z`,
      preview: torn,
    });
    expect(warnings).toHaveLength(1);
    expect(await readFile(`${path}.torn-20260410T140000000Z`, 'utf8')).toBe(torn);
    await writer.append(scanRecord(2));
    await writer.close();
    const content = await lines(path);
    expect(content.slice(0, 2).map((l) => JSON.parse(l).scan_count)).toEqual([1, 2]);
    expect(content[2]).toBe('');
  });

  it('repairs a file that is one torn line with no newline at all', async () => {
    const path = join(dir, 'parity.jsonl');
    await writeFile(path, '{"schema_version":1,"rec');
    const writer = await openParityLogWriter(path, { fsync: 'never' });
    expect(writer.repaired?.keptBytes).toBe(0);
    expect(writer.sizeBytes).toBe(0);
    await writer.close();
  });

  it('on ENOSPC mid-write rolls the file back and throws a typed no_space error', async () => {
    const path = join(dir, 'parity.jsonl');
    const good = await openParityLogWriter(path, { fsync: 'always' });
    await good.append(scanRecord(1));
    await good.close();
    const before = await readFile(path, 'utf8');
    const calls: string[] = [];
    const writer = await openParityLogWriter(path, {
      fsync: 'always',
      openLogFile: faultyOpen({ code: 'ENOSPC', partialBytes: 100 }, calls),
    });
    const error = (await writer.append(scanRecord(2)).catch((e: unknown) => e)) as ParityLogError;
    expect(isParityLogError(error)).toBe(true);
    expect(error.kind).toBe('no_space');
    expect(error.retry).toBe('retryable');
    expect(error.message).toBe(
      `[append] ${path}: ENOSPC no space left on device; record not written; log truncated back to ${before.length} bytes`,
    );
    expect(await readFile(path, 'utf8')).toBe(before);
    await writer.close();
  });

  it('on EACCES throws a typed permission error and leaves nothing behind', async () => {
    const path = join(dir, 'parity.jsonl');
    const writer = await openParityLogWriter(path, {
      fsync: 'never',
      openLogFile: faultyOpen({ code: 'EACCES', partialBytes: 10 }, []),
    });
    const error = (await writer.append(scanRecord(1)).catch((e: unknown) => e)) as ParityLogError;
    expect(error.kind).toBe('permission');
    expect(error.retry).toBe('non-retryable');
    expect(await readFile(path, 'utf8')).toBe('');
    await writer.close();
  });

  it('treats a short write as no_space and rolls back', async () => {
    const path = join(dir, 'parity.jsonl');
    const writer = await openParityLogWriter(path, {
      fsync: 'never',
      openLogFile: async (p) => {
        const real = await openNodeLogFile(p);
        return { ...real, append: (b) => real.append(b.subarray(0, 20)) };
      },
    });
    const error = (await writer.append(scanRecord(1)).catch((e: unknown) => e)) as ParityLogError;
    expect(error.kind).toBe('no_space');
    expect(error.message).toContain('short write (20 of');
    expect(await readFile(path, 'utf8')).toBe('');
    await writer.close();
  });

  it('fails to open a directory or a missing parent with a typed error', async () => {
    const asDir = await openParityLogWriter(dir, { fsync: 'never' }).catch((e: unknown) => e);
    expect((asDir as ParityLogError).kind).toBe('not_a_file');
    const missing = await openParityLogWriter(join(dir, 'no', 'parity.jsonl'), { fsync: 'never' }).catch(
      (e: unknown) => e,
    );
    expect((missing as ParityLogError).kind).toBe('not_found');
    expect((missing as ParityLogError).message).toContain('[open]');
  });

  it('refuses an invalid record before writing anything, naming the field', async () => {
    const path = join(dir, 'parity.jsonl');
    const writer = await openParityLogWriter(path, { fsync: 'never' });
    const bad = scanRecord(1);
    bad.entries_proposed[0]!.long_strike = 600;
    const error = (await writer.append(bad).catch((e: unknown) => e)) as ParityLogError;
    expect(error.kind).toBe('invalid_record');
    expect(error.message).toContain('entries_proposed.0.long_strike: long_strike must be below short_strike');
    await writer.close();
    expect(await readFile(path, 'utf8')).toBe('');
    const closed = (await writer.append(scanRecord(1)).catch((e: unknown) => e)) as ParityLogError;
    expect(closed.kind).toBe('closed');
  });

  it('serialises concurrent appends into whole lines in call order', async () => {
    const path = join(dir, 'parity.jsonl');
    const writer = await openParityLogWriter(path, { fsync: 'interval', fsyncIntervalMs: 5 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => writer.append(scanRecord(i + 1))));
    await writer.close();
    const counts = (await lines(path)).filter(Boolean).map((l) => JSON.parse(l).scan_count);
    expect(counts).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect((await readdir(dir)).sort()).toEqual(['parity.jsonl']);
  });
});
