import type { RecordedExchange, Recorder } from '@aegis/market-polygon';
import { createMarketRecorder, type MarketRecorder } from '@aegis/market-polygon';

/**
 * A market recorder that starts a new file every `exchangesPerFile` responses. A full trading day of
 * raw chains is hundreds of MB; smaller files keep each one far below what a replay can decode at once.
 */
export interface RollingRecorder extends Recorder {
  readonly files: readonly string[];
  readonly recorded: number;
  flush(): Promise<void>;
}

export function createRollingRecorder(options: {
  dir: string;
  secrets: readonly string[];
  exchangesPerFile?: number;
  onError: (error: Error) => void;
}): RollingRecorder {
  const perFile = options.exchangesPerFile ?? 1000;
  const stamp = new Date().toISOString().replace(/[-:.]/g, '');
  const done: MarketRecorder[] = [];
  const files: string[] = [];
  let current: MarketRecorder | null = null;
  let inFile = 0;
  let recorded = 0;
  const open = () => {
    // Zero-padded sequence: the replay reads files in name order.
    const fileName = `market-${stamp}-${process.pid}-${String(files.length + 1).padStart(5, '0')}.jsonl.gz`;
    const r = createMarketRecorder({
      dir: options.dir,
      fileName,
      secrets: options.secrets,
      onError: options.onError,
    });
    files.push(r.file);
    return r;
  };
  return {
    get files() {
      return files;
    },
    get recorded() {
      return recorded;
    },
    record(exchange: RecordedExchange) {
      if (current === null || inFile >= perFile) {
        if (current !== null) done.push(current);
        current = open();
        inFile = 0;
      }
      current.record(exchange);
      inFile++;
      recorded++;
    },
    async flush() {
      for (const r of [...done, ...(current === null ? [] : [current])]) await r.flush();
    },
  };
}
