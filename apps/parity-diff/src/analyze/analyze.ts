/**
 * One streaming pass over both sides. Each side is read into compact scan
 * summaries plus its own figures (side.ts); here the summaries are paired in time order and the pairs
 * compared. Everything kept is bounded (examples, chart series, the matching window, the errors-trend
 * blocks) or grows with trade dates and intervals, never with scans.
 */
import { stat } from 'node:fs/promises';
import { listParityLogFiles } from '@aegis/parity-log';
import { createMatcher, type SideName } from './matcher.js';
import { BoundedSeries, Examples } from './series.js';
import { newSideStats, type SideStats, type Where } from './side.js';
import { sideSource } from './source.js';
import { diffSorted, type ScanSummary } from './summary.js';

export type {
  ContinuityIssue,
  DayCounts,
  EquityPoint,
  Escalation,
  Restart,
  SideStats,
  Where,
} from './side.js';

export interface AnalyzeOptions {
  candidate: string;
  reference: string;
  toleranceSeconds: number;
  intervalMinutes: number;
  liveScenario: string;
  /** Which record kinds matter for the command. */
  want: { scans: boolean; equity: boolean };
  onProgress?: (doneBytes: number, totalBytes: number) => void;
}

export interface KeyDiffExample {
  key: string;
  candidateTs: string;
  referenceTs: string;
  candidateAt: Where;
  referenceAt: Where;
}

export interface PairStats {
  matched: number;
  matchedDates: Set<string>;
  vix: {
    compared: number;
    violations: Examples<{
      candidateTs: string;
      candidate: number | null;
      reference: number | null;
      delta: number | null;
    }>;
    maxAbsDelta: number;
    series: BoundedSeries;
  };
  entries: {
    matched: number;
    candidateOnly: Examples<KeyDiffExample>;
    referenceOnly: Examples<KeyDiffExample>;
  };
  exits: {
    matched: number;
    candidateOnly: Examples<KeyDiffExample>;
    referenceOnly: Examples<KeyDiffExample>;
  };
  precheck: {
    compared: number;
    mismatches: Examples<{ key: string; candidate: string; reference: string; candidateTs: string }>;
  };
  absDtMsSum: number;
  maxWindow: number;
}

export interface Analysis {
  options: AnalyzeOptions;
  candidate: SideStats;
  reference: SideStats;
  pairs: PairStats;
}

export const VIX_THRESHOLD = 0.1;
/** Prices are rounded to the cent: 17.52 − 17.42 is 0.1 even if floating point says 0.10000000000000142. */
const VIX_EPSILON = 1e-9;

const iso = (ms: number) => new Date(ms).toISOString();

export async function analyze(options: AnalyzeOptions): Promise<Analysis> {
  const [cFiles, rFiles] = await Promise.all([
    listParityLogFiles(options.candidate),
    listParityLogFiles(options.reference),
  ]);
  const sizeOf = async (files: string[]) => {
    let total = 0;
    for (const f of files) total += (await stat(f)).size;
    return total;
  };
  const [cBytes, rBytes] = await Promise.all([sizeOf(cFiles), sizeOf(rFiles)]);
  const stats = {
    candidate: newSideStats({ side: 'candidate', path: options.candidate, files: cFiles, bytes: cBytes }),
    reference: newSideStats({ side: 'reference', path: options.reference, files: rFiles, bytes: rBytes }),
  };
  const totalBytes = cBytes + rBytes;
  let doneBytes = 0;
  let lastProgress = 0;
  const progress = (delta: number) => {
    doneBytes += delta;
    if (options.onProgress && (doneBytes - lastProgress > 8 * 1024 * 1024 || doneBytes === totalBytes)) {
      lastProgress = doneBytes;
      options.onProgress(doneBytes, totalBytes);
    }
  };

  const pairs: PairStats = {
    matched: 0,
    matchedDates: new Set(),
    vix: { compared: 0, violations: new Examples(10), maxAbsDelta: 0, series: new BoundedSeries(1500) },
    entries: { matched: 0, candidateOnly: new Examples(10), referenceOnly: new Examples(10) },
    exits: { matched: 0, candidateOnly: new Examples(10), referenceOnly: new Examples(10) },
    precheck: { compared: 0, mismatches: new Examples(10) },
    absDtMsSum: 0,
    maxWindow: 0,
  };
  const whereOf = (side: SideName, s: { fileIndex: number; line: number }): Where => ({
    file: stats[side].files[s.fileIndex] ?? '',
    line: s.line,
  });

  const live = `${options.liveScenario}|`;
  const matcher = createMatcher(options.toleranceSeconds * 1000, {
    pair(c, r) {
      pairs.matched++;
      pairs.matchedDates.add(c.tradeDate);
      pairs.absDtMsSum += Math.abs(c.tsMs - r.tsMs);
      // VIX
      pairs.vix.compared++;
      if (c.vix !== null && r.vix !== null) {
        const delta = c.vix - r.vix;
        const abs = Math.abs(delta);
        if (abs > pairs.vix.maxAbsDelta) pairs.vix.maxAbsDelta = abs;
        pairs.vix.series.add(c.tsMs, Math.round(delta * 100) / 100);
        if (abs > VIX_THRESHOLD + VIX_EPSILON) {
          pairs.vix.violations.add({
            candidateTs: iso(c.tsMs),
            candidate: c.vix,
            reference: r.vix,
            delta: Math.round(delta * 100) / 100,
          });
        }
      } else if (c.vix !== r.vix) {
        pairs.vix.violations.add({
          candidateTs: iso(c.tsMs),
          candidate: c.vix,
          reference: r.vix,
          delta: null,
        });
      }
      // Entries, with the live-capable scenario's precheck verdicts.
      if (c.entries.length > 0 || r.entries.length > 0) {
        const d = diffSorted(c.entries, r.entries);
        pairs.entries.matched += d.both.length;
        for (const i of d.onlyA) pairs.entries.candidateOnly.add(() => keyExample(c.entries[i]!, c, r));
        for (const j of d.onlyB) pairs.entries.referenceOnly.add(() => keyExample(r.entries[j]!, c, r));
        for (const [i, j] of d.both) {
          if (!c.entries[i]!.startsWith(live)) continue;
          pairs.precheck.compared++;
          const cs = c.entryStatus[i]!;
          const rs = r.entryStatus[j]!;
          if (cs !== rs) {
            pairs.precheck.mismatches.add({
              key: c.entries[i]!,
              candidate: cs,
              reference: rs,
              candidateTs: iso(c.tsMs),
            });
          }
        }
      }
      if (c.exits.length > 0 || r.exits.length > 0) {
        const d = diffSorted(c.exits, r.exits);
        pairs.exits.matched += d.both.length;
        for (const i of d.onlyA) pairs.exits.candidateOnly.add(() => keyExample(c.exits[i]!, c, r));
        for (const j of d.onlyB) pairs.exits.referenceOnly.add(() => keyExample(r.exits[j]!, c, r));
      }
    },
    unmatched(side, s) {
      stats[side].unmatched.add(() => ({ ts: iso(s.tsMs), scanCount: s.scanCount, at: whereOf(side, s) }));
    },
  });
  const keyExample = (key: string, c: ScanSummary, r: ScanSummary): KeyDiffExample => ({
    key,
    candidateTs: iso(c.tsMs),
    referenceTs: iso(r.tsMs),
    candidateAt: whereOf('candidate', c),
    referenceAt: whereOf('reference', r),
  });

  const sourceFor = (side: SideName, path: string, files: string[], bytes: number) =>
    sideSource({
      side,
      path,
      files,
      bytes,
      intervalMinutes: options.intervalMinutes,
      want: options.want,
      onProgress: progress,
    });
  const streams = {
    candidate: sourceFor('candidate', options.candidate, cFiles, cBytes),
    reference: sourceFor('reference', options.reference, rFiles, rBytes),
  };

  // Take the next batch from whichever side is behind in time, so the matching window stays small.
  const at = { candidate: Number.NEGATIVE_INFINITY, reference: Number.NEGATIVE_INFINITY };
  const done = { candidate: false, reference: false };
  try {
    while (!done.candidate || !done.reference) {
      const side: SideName =
        done.reference || (!done.candidate && at.candidate <= at.reference) ? 'candidate' : 'reference';
      const batch = await streams[side].next();
      if (batch === null) {
        done[side] = true;
        // The side's own figures are final now; pairing adds its unmatched scans below.
        const final = streams[side].stats();
        final.unmatched = stats[side].unmatched;
        stats[side] = final;
        matcher.end(side);
        continue;
      }
      for (const summary of batch) {
        matcher.push(side, summary);
        if (matcher.pending > pairs.maxWindow) pairs.maxWindow = matcher.pending;
      }
      const last = batch[batch.length - 1];
      if (last) at[side] = last.tsMs;
    }
  } finally {
    await Promise.all([streams.candidate.close(), streams.reference.close()]);
  }
  stats.candidate.outOfOrder = matcher.outOfOrder.candidate;
  stats.reference.outOfOrder = matcher.outOfOrder.reference;
  return { options, candidate: stats.candidate, reference: stats.reference, pairs };
}
