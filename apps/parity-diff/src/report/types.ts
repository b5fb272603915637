/** The `--json` output. Stable: fields are only ever added (report_version changes otherwise). */

export interface Check {
  /** Stable identifier, e.g. `vix`, `scan_continuity`, `business_days`. */
  id: string;
  title: string;
  pass: boolean;
  /** One line for humans. */
  summary: string;
  /** Check-specific figures and the first examples. */
  details: Record<string, unknown>;
}

export interface InputSummary {
  path: string;
  files: string[];
  bytes: number;
  records: { scan: number; breaker: number; comparison: number; startup: number; shutdown: number };
  bad_lines: number;
  bad_line_examples: { file: string; line: number; reason: string }[];
  other_version_records: number;
  first_ts: string | null;
  last_ts: string | null;
}

export interface Charts {
  /** Matched pairs: [epoch ms, candidate VIX − reference VIX], downsampled to at most 1500 points. */
  vix_delta: [number, number][];
  /** Entries proposed per trade date on each side. */
  entries_per_date: { trade_date: string; candidate: number; reference: number }[];
  /** Per scenario, the last equity of each interval on each side: [epoch ms, equity]. */
  equity: { scenario: string; candidate: [number, number][]; reference: [number, number][] }[];
}

export interface ParityDiffReport {
  tool: 'parity-diff';
  report_version: 1;
  command: 'compare' | 'compare-equity' | 'gate';
  pass: boolean;
  /** 0 pass, 1 fail (2 never appears here: usage and unreadable input produce no report). */
  exit_code: 0 | 1;
  options: {
    tolerance_seconds: number;
    interval_minutes: number;
    strict: boolean;
    live_scenario: string;
  };
  inputs: { candidate: InputSummary; reference: InputSummary };
  /** compare: the seven checks (+ inputs, malformed lines); compare-equity: the equity check; gate: both. */
  checks: Check[];
  /** gate only: the pre-cutover checklist, PASS/FAIL per item. */
  gate: Check[] | null;
  charts: Charts;
}
