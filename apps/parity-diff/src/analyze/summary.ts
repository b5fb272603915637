/**
 * The compact per-scan summary compare keeps while matching: a few numbers and short strings,
 * never the record itself, so memory depends on the matching window, not on the log size.
 */
import type { ScanRecord } from '@aegis/parity-log';

export interface ScanSummary {
  tsMs: number;
  tradeDate: string;
  scanCount: number;
  runId: string;
  vix: number | null;
  /** Sorted entry keys `scenario|underlying|expiry|short|long`. */
  entries: string[];
  /** `status|reason` of each entry, aligned with `entries`. */
  entryStatus: string[];
  /** Sorted exit keys `scenario|underlying|expiry|short|long|close_reason`. */
  exits: string[];
  errorCount: number;
  /** Index into the side's file list, and line, for examples. */
  fileIndex: number;
  line: number;
}

export function entryKey(e: {
  scenario: string;
  underlying: string;
  expiry: string;
  short_strike: number;
  long_strike: number;
}): string {
  return `${e.scenario}|${e.underlying}|${e.expiry}|${e.short_strike}|${e.long_strike}`;
}

const byKey = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

export function summarizeScan(r: ScanRecord, tsMs: number, fileIndex: number, line: number): ScanSummary {
  const ents = r.entries_proposed;
  let entries: string[];
  let entryStatus: string[];
  if (ents.length === 0) {
    entries = [];
    entryStatus = [];
  } else {
    const pairs = ents.map((e): [string, string] => [entryKey(e), `${e.status}|${e.reason ?? ''}`]);
    if (pairs.length > 1) pairs.sort(byKey);
    entries = pairs.map((p) => p[0]);
    entryStatus = pairs.map((p) => p[1]);
  }
  const exits =
    r.exits_proposed.length === 0
      ? []
      : r.exits_proposed.map((x) => `${entryKey(x)}|${x.close_reason}`).sort();
  return {
    tsMs,
    tradeDate: r.trade_date,
    scanCount: r.scan_count,
    runId: r.run_id,
    vix: r.vix,
    entries,
    entryStatus,
    exits,
    errorCount: r.errors.length,
    fileIndex,
    line,
  };
}

/** Multiset difference of two sorted key lists: indices only in `a`, only in `b`, and matched index pairs. */
export function diffSorted(
  a: readonly string[],
  b: readonly string[],
): { onlyA: number[]; onlyB: number[]; both: [number, number][] } {
  const onlyA: number[] = [];
  const onlyB: number[] = [];
  const both: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) both.push([i++, j++]);
    else if (x < y) onlyA.push(i++);
    else onlyB.push(j++);
  }
  while (i < a.length) onlyA.push(i++);
  while (j < b.length) onlyB.push(j++);
  return { onlyA, onlyB, both };
}
