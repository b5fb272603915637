/** The checks of SPEC 7, computed from one streaming analysis. */
import { isTradingDay } from '@aegis/strategy-core';
import type { Analysis, SideStats } from '../analyze/analyze.js';
import type { Charts, Check, InputSummary } from '../report/types.js';

export const MAX_UNMATCHED_FRACTION = 0.01;
export const EQUITY_TOLERANCE_USD = 50;
export const MIN_BUSINESS_DAYS = 5;

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

export function inputSummary(s: SideStats): InputSummary {
  return {
    path: s.path,
    files: s.files,
    bytes: s.bytes,
    records: s.records,
    bad_lines: s.badLines.count,
    bad_line_examples: s.badLines.items.map((b) => ({ file: b.file, line: b.line, reason: b.reason })),
    other_version_records: s.otherVersion.count,
    first_ts: s.firstTsMs === null ? null : new Date(s.firstTsMs).toISOString(),
    last_ts: s.lastTsMs === null ? null : new Date(s.lastTsMs).toISOString(),
  };
}

/** Drift limit of SPEC 7: at most max(2, 5%) apart. */
export const driftAllowed = (a: number, b: number) => Math.max(2, 0.05 * Math.max(a, b));

export function compareChecks(a: Analysis, strict: boolean): Check[] {
  const { candidate: c, reference: r, pairs } = a;
  const checks: Check[] = [];

  checks.push({
    id: 'inputs',
    title: 'scan records on both sides',
    pass: c.records.scan > 0 && r.records.scan > 0,
    summary: `candidate ${c.records.scan} scans, reference ${r.records.scan} scans`,
    details: { candidate_scans: c.records.scan, reference_scans: r.records.scan },
  });

  checks.push({
    id: 'malformed_lines',
    title: 'malformed lines (excluded; a failure with --strict)',
    pass: !strict || (c.badLines.count === 0 && r.badLines.count === 0),
    summary: `candidate ${c.badLines.count}, reference ${r.badLines.count}${strict ? ' (strict)' : ''}`,
    details: {
      strict,
      candidate: c.badLines.count,
      reference: r.badLines.count,
      candidate_examples: c.badLines.items,
      reference_examples: r.badLines.items,
    },
  });

  checks.push({
    id: 'schema_version',
    title: '1. schema_version is 1 on both sides',
    pass: c.otherVersion.count === 0 && r.otherVersion.count === 0,
    summary: `records of another version: candidate ${c.otherVersion.count}, reference ${r.otherVersion.count}`,
    details: {
      candidate: c.otherVersion.count,
      reference: r.otherVersion.count,
      candidate_examples: c.otherVersion.items,
      reference_examples: r.otherVersion.items,
    },
  });

  const gaps = c.continuity.count + r.continuity.count;
  checks.push({
    id: 'scan_continuity',
    title: '2. scan_count steps by 1 within each run',
    pass: gaps === 0,
    summary: `breaks: candidate ${c.continuity.count}, reference ${r.continuity.count}; restarts: candidate ${c.restarts.count}, reference ${r.restarts.count}`,
    details: {
      candidate_breaks: c.continuity.count,
      reference_breaks: r.continuity.count,
      candidate_break_examples: c.continuity.items,
      reference_break_examples: r.continuity.items,
      candidate_restarts: c.restarts.count,
      reference_restarts: r.restarts.count,
      candidate_restart_examples: c.restarts.items,
      reference_restart_examples: r.restarts.items,
    },
  });

  const v = pairs.vix;
  checks.push({
    id: 'vix',
    title: '3. VIX |Δ| <= 0.1 on every matched pair',
    pass: v.violations.count === 0,
    summary: `${v.compared} pairs, max |Δ| ${round(v.maxAbsDelta, 2)}, ${v.violations.count} over 0.1`,
    details: {
      pairs: v.compared,
      max_abs_delta: round(v.maxAbsDelta, 2),
      violations: v.violations.count,
      examples: v.violations.items,
    },
  });

  const dates = [...new Set([...c.perDate.keys(), ...r.perDate.keys()])].sort();
  const drift: Record<string, unknown>[] = [];
  let driftFails = 0;
  for (const date of dates) {
    const cd = c.perDate.get(date) ?? { scans: 0, entries: 0, exits: 0 };
    const rd = r.perDate.get(date) ?? { scans: 0, entries: 0, exits: 0 };
    const entriesOk = Math.abs(cd.entries - rd.entries) <= driftAllowed(cd.entries, rd.entries);
    const exitsOk = Math.abs(cd.exits - rd.exits) <= driftAllowed(cd.exits, rd.exits);
    if (!entriesOk || !exitsOk) driftFails++;
    drift.push({
      trade_date: date,
      candidate_entries: cd.entries,
      reference_entries: rd.entries,
      candidate_exits: cd.exits,
      reference_exits: rd.exits,
      pass: entriesOk && exitsOk,
    });
  }
  checks.push({
    id: 'count_drift',
    title: '4. entry/exit counts per trade date within max(2, 5%)',
    pass: driftFails === 0,
    summary: `${dates.length} trade dates, ${driftFails} over the limit`,
    details: { trade_dates: dates.length, failing: driftFails, per_date: drift },
  });

  const e = pairs.entries;
  checks.push({
    id: 'entries',
    title: '5. entries of matched scans (scenario, underlying, expiry, strikes)',
    pass: e.candidateOnly.count === 0 && e.referenceOnly.count === 0,
    summary: `${e.matched} match, ${e.candidateOnly.count} candidate-only, ${e.referenceOnly.count} reference-only`,
    details: {
      matches: e.matched,
      candidate_only: e.candidateOnly.count,
      reference_only: e.referenceOnly.count,
      candidate_only_examples: e.candidateOnly.items,
      reference_only_examples: e.referenceOnly.items,
    },
  });
  const x = pairs.exits;
  checks.push({
    id: 'exits',
    title: '5. exits of matched scans (… and close_reason)',
    pass: x.candidateOnly.count === 0 && x.referenceOnly.count === 0,
    summary: `${x.matched} match, ${x.candidateOnly.count} candidate-only, ${x.referenceOnly.count} reference-only`,
    details: {
      matches: x.matched,
      candidate_only: x.candidateOnly.count,
      reference_only: x.referenceOnly.count,
      candidate_only_examples: x.candidateOnly.items,
      reference_only_examples: x.referenceOnly.items,
    },
  });

  checks.push(errorsTrend(c, r));

  const cu = c.unmatched.count;
  const ru = r.unmatched.count;
  const cFrac = c.records.scan === 0 ? 0 : cu / c.records.scan;
  const rFrac = r.records.scan === 0 ? 0 : ru / r.records.scan;
  checks.push({
    id: 'unmatched',
    title: '7. unmatched scans at most 1% on each side',
    pass: cFrac <= MAX_UNMATCHED_FRACTION && rFrac <= MAX_UNMATCHED_FRACTION,
    summary: `${pairs.matched} matched; unmatched candidate ${cu} (${pct(cFrac)}), reference ${ru} (${pct(rFrac)})`,
    details: {
      matched: pairs.matched,
      tolerance_seconds: a.options.toleranceSeconds,
      mean_abs_offset_ms: pairs.matched === 0 ? null : Math.round(pairs.absDtMsSum / pairs.matched),
      candidate_unmatched: cu,
      reference_unmatched: ru,
      candidate_fraction: round(cFrac, 6),
      reference_fraction: round(rFrac, 6),
      candidate_examples: c.unmatched.items,
      reference_examples: r.unmatched.items,
      out_of_order: { candidate: c.outOfOrder, reference: r.outOfOrder },
    },
  });
  return checks;
}

function quarterRates(s: SideStats): { scans: number; first: number; last: number } | null {
  const n = s.errorCounts.length;
  const q = Math.floor(n / 4);
  if (q === 0) return null;
  return { scans: n, first: s.errorCounts.sum(0, q) / q, last: s.errorCounts.sum(n - q, n) / q };
}

/** Candidate's errors per scan, last quarter of its scans vs first quarter; the reference is shown alongside. */
function errorsTrend(c: SideStats, r: SideStats): Check {
  const cq = quarterRates(c);
  const rq = quarterRates(r);
  const limit = cq ? 2 * cq.first + 0.05 : null;
  const pass = cq === null || cq.last <= (limit ?? 0) + 1e-12;
  return {
    id: 'errors_trend',
    title: '6. errors per scan: last quarter <= 2 × first quarter + 0.05',
    pass,
    summary: cq
      ? `candidate first ${round(cq.first)} → last ${round(cq.last)} (limit ${round(limit ?? 0)})`
      : 'fewer than 4 candidate scans: nothing to trend',
    details: {
      candidate: cq && {
        first_quarter: round(cq.first),
        last_quarter: round(cq.last),
        limit: round(limit ?? 0),
      },
      reference: rq && { first_quarter: round(rq.first), last_quarter: round(rq.last) },
    },
  };
}

export function equityCheck(a: Analysis): Check {
  const { candidate: c, reference: r } = a;
  const buckets = [...new Set([...c.equity.keys(), ...r.equity.keys()])].sort();
  const failures: Record<string, unknown>[] = [];
  let failing = 0;
  let compared = 0;
  const oneSided: { interval: string; side: string }[] = [];
  let oneSidedCount = 0;
  let maxAbs = 0;
  for (const key of buckets) {
    const cb = c.equity.get(key);
    const rb = r.equity.get(key);
    if (!cb || !rb) {
      oneSidedCount++;
      if (oneSided.length < 10) oneSided.push({ interval: key, side: cb ? 'candidate' : 'reference' });
      continue;
    }
    compared++;
    let bad = false;
    const ids = [...new Set([...cb.scenarios.keys(), ...rb.scenarios.keys()])].sort();
    for (const id of ids) {
      const cs = cb.scenarios.get(id);
      const rs = rb.scenarios.get(id);
      let problem: string | null = null;
      if (!cs || !rs) problem = `missing on the ${cs ? 'reference' : 'candidate'} side`;
      else {
        const d = Math.abs(cs.equity - rs.equity);
        if (d > maxAbs) maxAbs = d;
        if (d > EQUITY_TOLERANCE_USD + 1e-9) problem = `|equity Δ| ${d.toFixed(2)} > ${EQUITY_TOLERANCE_USD}`;
        else if (cs.tradeCount !== rs.tradeCount)
          problem = `trade_count ${cs.tradeCount} vs ${rs.tradeCount}`;
      }
      if (problem) {
        bad = true;
        if (failures.length < 20) {
          failures.push({
            interval: key,
            scenario: id,
            candidate_equity: cs?.equity ?? null,
            reference_equity: rs?.equity ?? null,
            candidate_trade_count: cs?.tradeCount ?? null,
            reference_trade_count: rs?.tradeCount ?? null,
            problem,
          });
        }
      }
    }
    if (bad) failing++;
  }
  return {
    id: 'equity',
    title: `per-scenario equity |Δ| <= $${EQUITY_TOLERANCE_USD} and trade_count Δ = 0 per ${a.options.intervalMinutes}-minute interval`,
    pass: compared > 0 && failing === 0,
    summary:
      compared === 0
        ? `no interval with comparison records on both sides (candidate ${c.records.comparison}, reference ${r.records.comparison} records)`
        : `${compared} intervals compared, ${failing} failing, max |equity Δ| ${maxAbs.toFixed(2)}; ${oneSidedCount} one-sided`,
    details: {
      interval_minutes: a.options.intervalMinutes,
      intervals_compared: compared,
      intervals_failing: failing,
      max_abs_equity_delta: round(maxAbs, 2),
      failures,
      one_sided_intervals: oneSidedCount,
      one_sided_examples: oneSided,
    },
  };
}

export function gateItems(a: Analysis, compare: Check[], equity: Check): Check[] {
  const days = [...a.pairs.matchedDates].filter((d) => isTradingDay(d)).sort();
  const failedCompare = compare.filter((c) => !c.pass).map((c) => c.id);
  const p = a.pairs.precheck;
  const esc = a.candidate.escalations;
  return [
    {
      id: 'business_days',
      title: `>= ${MIN_BUSINESS_DAYS} business days (NYSE sessions) of matched observation`,
      pass: days.length >= MIN_BUSINESS_DAYS,
      summary: `${days.length} NYSE sessions with matched scans${days.length ? ` (${days[0]} … ${days[days.length - 1]})` : ''}`,
      details: { sessions: days.length, first: days[0] ?? null, last: days[days.length - 1] ?? null },
    },
    {
      id: 'compare',
      title: 'every compare check passes',
      pass: failedCompare.length === 0,
      summary:
        failedCompare.length === 0 ? `${compare.length} checks pass` : `failing: ${failedCompare.join(', ')}`,
      details: { failing: failedCompare },
    },
    {
      id: 'compare_equity',
      title: 'every compare-equity interval passes',
      pass: equity.pass,
      summary: equity.summary,
      details: {},
    },
    {
      id: 'precheck_parity',
      title: `${a.options.liveScenario} precheck parity (status and reason of matched entries)`,
      pass: p.mismatches.count === 0,
      summary: `${p.compared} matched ${a.options.liveScenario} entries, ${p.mismatches.count} with a different verdict`,
      details: { compared: p.compared, mismatches: p.mismatches.count, examples: p.mismatches.items },
    },
    {
      id: 'breaker',
      title: 'no candidate circuit-breaker escalation to reduce_only or above',
      pass: esc.count === 0,
      summary:
        esc.count === 0
          ? 'none'
          : `${esc.count} escalation(s), first: ${esc.items[0]?.scenario} → ${esc.items[0]?.to} at ${esc.items[0]?.ts}`,
      details: { escalations: esc.count, examples: esc.items },
    },
  ];
}

export function charts(a: Analysis): Charts {
  const dates = [...new Set([...a.candidate.perDate.keys(), ...a.reference.perDate.keys()])].sort();
  const scenarios = new Set<string>();
  for (const side of [a.candidate, a.reference])
    for (const p of side.equity.values()) for (const s of p.scenarios.keys()) scenarios.add(s);
  const series = (side: SideStats, id: string): [number, number][] => {
    const pts = [...side.equity.values()]
      .filter((p) => p.scenarios.has(id))
      .sort((x, y) => x.tsMs - y.tsMs)
      .map((p): [number, number] => [p.tsMs, p.scenarios.get(id)!.equity]);
    // Thin long windows to at most ~600 points per line.
    const step = Math.ceil(pts.length / 600);
    return step <= 1 ? pts : pts.filter((_, i) => i % step === 0 || i === pts.length - 1);
  };
  return {
    vix_delta: a.pairs.vix.series.points(),
    entries_per_date: dates.map((d) => ({
      trade_date: d,
      candidate: a.candidate.perDate.get(d)?.entries ?? 0,
      reference: a.reference.perDate.get(d)?.entries ?? 0,
    })),
    equity: [...scenarios].sort().map((id) => ({
      scenario: id,
      candidate: series(a.candidate, id),
      reference: series(a.reference, id),
    })),
  };
}
