import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { type GenerateParityOptions, generateParityLines, type Side } from './generator.js';

export interface WriteParityLogsOptions extends GenerateParityOptions {
  /** `single`: `parity.jsonl` + `lt_wft_comparison.jsonl` per side; `daily`: one pair of files per trade date. */
  layout?: 'single' | 'daily';
  /** Write `.jsonl.gz` files. */
  gzip?: boolean;
}

export interface WrittenParityLogs {
  /** `<dir>/candidate` and `<dir>/reference` (only the requested sides exist). */
  candidateDir: string;
  referenceDir: string;
  files: string[];
  bytes: number;
  lines: number;
}

interface Sink {
  path: string;
  write(text: string): Promise<void>;
  end(): Promise<void>;
}

function openSink(path: string, gzip: boolean): Sink {
  const file = createWriteStream(path);
  const gz = gzip ? createGzip() : null;
  if (gz) gz.pipe(file);
  const target: WriteStream | ReturnType<typeof createGzip> = gz ?? file;
  return {
    path,
    async write(text) {
      if (!target.write(text)) await once(target, 'drain');
    },
    async end() {
      target.end();
      await once(file, 'close');
    },
  };
}

/** Generates both sides' logs into `<dir>/candidate` and `<dir>/reference`. */
export async function writeParityLogs(
  dir: string,
  options: WriteParityLogsOptions,
): Promise<WrittenParityLogs> {
  const candidateDir = join(dir, 'candidate');
  const referenceDir = join(dir, 'reference');
  const ext = options.gzip ? '.jsonl.gz' : '.jsonl';
  const sinks = new Map<string, Sink>();
  const files: string[] = [];
  let bytes = 0;
  let lines = 0;
  const dirOf = (side: Side) => (side === 'candidate' ? candidateDir : referenceDir);
  for (const side of options.sides ?? ['candidate', 'reference'])
    await mkdir(dirOf(side), { recursive: true });

  for (const line of generateParityLines(options)) {
    const stem = line.log === 'parity' ? 'parity' : 'lt_wft_comparison';
    const name = options.layout === 'daily' ? `${stem}-${line.tradeDate}${ext}` : `${stem}${ext}`;
    const key = `${line.side}/${name}`;
    let sink = sinks.get(key);
    if (!sink) {
      // Daily layout: a new day closes the previous day's files of the same side and log.
      if (options.layout === 'daily') {
        for (const [k, s] of sinks) {
          if (k.startsWith(`${line.side}/${stem}-`)) {
            await s.end();
            sinks.delete(k);
          }
        }
      }
      sink = openSink(join(dirOf(line.side), name), options.gzip ?? false);
      sinks.set(key, sink);
      files.push(sink.path);
    }
    await sink.write(line.text);
    bytes += Buffer.byteLength(line.text);
    lines++;
  }
  for (const sink of sinks.values()) await sink.end();
  return { candidateDir, referenceDir, files, bytes, lines };
}
