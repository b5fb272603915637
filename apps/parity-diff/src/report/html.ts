/** A self-contained HTML report: inline CSS and SVG, no script, nothing fetched. */
import { esc, groupedBarChart, lineChart } from './svg.js';
import type { Check, ParityDiffReport } from './types.js';

const CANDIDATE = '#1f6feb';
const REFERENCE = '#e36209';

function checksTable(checks: Check[]): string {
  const rows = checks
    .map(
      (c) =>
        `<tr class="${c.pass ? 'pass' : 'fail'}"><td class="verdict">${c.pass ? 'PASS' : 'FAIL'}</td><td>${esc(c.title)}</td><td>${esc(c.summary)}</td></tr>`,
    )
    .join('');
  return `<table class="checks"><thead><tr><th></th><th>check</th><th>result</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderHtml(report: ParityDiffReport): string {
  const { charts } = report;
  const vix = lineChart({
    id: 'vix-delta',
    title: 'VIX delta (candidate − reference) over time',
    series: [{ label: 'VIX Δ (matched pairs)', color: CANDIDATE, points: charts.vix_delta }],
    refLines: [
      { y: 0.1, label: '+0.1' },
      { y: -0.1, label: '−0.1' },
    ],
  });
  const entries = groupedBarChart({
    id: 'entries-per-date',
    title: 'Entries proposed per trade date',
    categories: charts.entries_per_date.map((d) => d.trade_date),
    series: [
      { label: 'candidate', color: CANDIDATE, values: charts.entries_per_date.map((d) => d.candidate) },
      { label: 'reference', color: REFERENCE, values: charts.entries_per_date.map((d) => d.reference) },
    ],
  });
  const equity = charts.equity
    .map(
      (e) =>
        `<figure><figcaption>${esc(e.scenario)} equity</figcaption>${lineChart({
          id: `equity-${e.scenario}`,
          title: `${e.scenario} equity, both sides`,
          series: [
            { label: 'candidate', color: CANDIDATE, points: e.candidate },
            { label: 'reference', color: REFERENCE, points: e.reference, dashed: true },
          ],
          frame: { width: 440, height: 220 },
        })}</figure>`,
    )
    .join('');
  const input = (side: 'candidate' | 'reference') => {
    const s = report.inputs[side];
    return `<tr><td>${side}</td><td>${esc(s.path)}</td><td>${s.files.length}</td><td>${(s.bytes / 1048576).toFixed(1)} MB</td><td>${s.records.scan}</td><td>${s.records.comparison}</td><td>${s.bad_lines}</td><td>${esc(s.first_ts ?? '-')} … ${esc(s.last_ts ?? '-')}</td></tr>`;
  };
  const badLines = (['candidate', 'reference'] as const)
    .flatMap((side) =>
      report.inputs[side].bad_line_examples.map(
        (b) => `<li>${side} ${esc(b.file)}:${b.line}: ${esc(b.reason)}</li>`,
      ),
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>parity-diff ${esc(report.command)}: ${report.pass ? 'PASS' : 'FAIL'}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
h1 .pass,.pass .verdict{color:#1a7f37}h1 .fail,.fail .verdict{color:#cf222e}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;font-size:13px;vertical-align:top}
.verdict{font-weight:700}figure{display:inline-block;margin:6px}figcaption{font-size:13px;font-weight:600}
section{margin-bottom:28px}code{font-size:12px}
</style></head><body>
<h1>parity-diff ${esc(report.command)}: <span class="${report.pass ? 'pass' : 'fail'}">${report.pass ? 'PASS' : 'FAIL'}</span></h1>
<section><h2>Inputs</h2><table><thead><tr><th>side</th><th>path</th><th>files</th><th>size</th><th>scans</th><th>comparison</th><th>bad lines</th><th>window</th></tr></thead><tbody>${input('candidate')}${input('reference')}</tbody></table>
${badLines ? `<details><summary>malformed lines (first examples)</summary><ul>${badLines}</ul></details>` : ''}</section>
${report.gate ? `<section><h2>Pre-cutover checklist</h2>${checksTable(report.gate)}</section>` : ''}
<section><h2>Checks</h2>${checksTable(report.checks)}</section>
<section><h2>VIX delta over time</h2>${vix}</section>
<section><h2>Entries per trade date</h2>${entries}</section>
<section><h2>Per-scenario equity</h2>${equity || '<p>No comparison records in the inputs.</p>'}</section>
<section><h2>Report data</h2><details><summary>JSON</summary><pre><code>${esc(JSON.stringify({ ...report, charts: undefined }, null, 2))}</code></pre></details></section>
</body></html>
`;
}
