import { open } from 'node:fs/promises';

/**
 * The parsed JSON records in the last `maxBytes` of a JSONL file, oldest first. A partial first line
 * (cut by the window) and unparsable lines are skipped. A missing file has no records.
 */
export async function readTailRecords(path: string, maxBytes = 1 << 20): Promise<Record<string, unknown>[]> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const size = (await handle.stat()).size;
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    let got = 0;
    while (got < buffer.length) {
      const { bytesRead } = await handle.read(buffer, got, buffer.length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    let text = buffer.subarray(0, got).toString('utf8');
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    const out: Record<string, unknown>[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const v = JSON.parse(line) as unknown;
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(v as Record<string, unknown>);
      } catch {
        // a torn or foreign line: not ours to judge here
      }
    }
    return out;
  } finally {
    await handle.close();
  }
}
