/**
 * A side's stream of scan summaries: the log read batch by batch, each record accounted for and
 * reduced to a summary as soon as it is parsed.
 */
import { type RecordKind, readParityLogBatches } from '@aegis/parity-log';
import { createSideAccumulator, type SideOptions, type SideStats } from './side.js';
import type { ScanSummary } from './summary.js';

export interface SideSource {
  /** The next batch of summaries, or null at the end (then `stats` is final). */
  next(): Promise<ScanSummary[] | null>;
  stats(): SideStats;
  close(): Promise<void>;
}

export interface SourceOptions extends SideOptions {
  onProgress?: (deltaBytes: number) => void;
}

export function kindsFor(want: SideOptions['want']): RecordKind[] {
  return [
    ...(want.scans ? (['scan'] as const) : []),
    'breaker',
    ...(want.equity ? (['comparison'] as const) : []),
    'startup',
    'shutdown',
  ];
}

export function sideSource(o: SourceOptions): SideSource {
  const acc = createSideAccumulator(o);
  const it = readParityLogBatches(
    o.path,
    {
      kinds: kindsFor(o.want),
      chunkBytes: 256 * 1024,
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      onBadLine: (b) => acc.stats.badLines.add(b),
      onOtherVersion: (v) =>
        acc.stats.otherVersion.add({
          file: v.file,
          line: v.line,
          schemaVersion: v.schemaVersion,
          recordKind: v.recordKind,
        }),
    },
    (entry) => acc.project(entry),
  );
  return {
    async next() {
      for (;;) {
        const r = await it.next();
        if (r.done) return null;
        if (r.value.length > 0) return r.value;
      }
    },
    stats: () => acc.stats,
    close: async () => {
      await it.return(undefined);
    },
  };
}
