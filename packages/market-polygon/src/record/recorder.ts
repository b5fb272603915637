/**
 * Writes every raw response as one JSON line, each line its own gzip member appended to the file.
 * Concatenated members are one valid gzip stream, and a crash can only tear the last member, which
 * the replay reader drops: nothing recorded before it is lost.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { redactText } from '../http/redact.js';
import type { RecordedExchange, Recorder } from './types.js';

const gzipAsync = promisify(gzip);
/** Fastest level: a day of chains is hundreds of MB of JSON, and level 1 still shrinks it about 8×. */
const RECORDING_GZIP = { level: 1 };

export interface MarketRecorderOptions {
  dir: string;
  /** Default `market-<UTC stamp>-<pid>.jsonl.gz`, one file per recorder. */
  fileName?: string;
  /** Redacted again at write time, whatever the caller already did. */
  secrets?: readonly string[];
  /** Called when a write fails (the scan goes on; the recording has a gap). */
  onError?: (error: Error) => void;
}

export interface MarketRecorder extends Recorder {
  readonly file: string;
  /** Exchanges handed to `record` so far. */
  readonly recorded: number;
  /** Resolves when everything recorded so far is on disk; rejects with the first write error. */
  flush(): Promise<void>;
}

export function createMarketRecorder(opts: MarketRecorderOptions): MarketRecorder {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(opts.dir, opts.fileName ?? `market-${stamp}-${process.pid}.jsonl.gz`);
  const secrets = opts.secrets ?? [];
  let recorded = 0;
  let firstError: Error | undefined;
  let chain: Promise<void> = mkdir(opts.dir, { recursive: true }).then(() => undefined);

  return {
    file,
    get recorded() {
      return recorded;
    },
    record(exchange: RecordedExchange) {
      recorded++;
      const line = `${redactText(JSON.stringify(exchange), secrets)}\n`;
      chain = chain
        .then(async () => appendFile(file, await gzipAsync(line, RECORDING_GZIP)))
        .catch((error: unknown) => {
          const e = error instanceof Error ? error : new Error(String(error));
          firstError ??= e;
          opts.onError?.(e);
        });
    },
    async flush() {
      await chain;
      if (firstError !== undefined) throw firstError;
    },
  };
}
