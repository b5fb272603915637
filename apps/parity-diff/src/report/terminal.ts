/** The human report: tables of plain text, coloured only when writing to a terminal. */
import type { Check, InputSummary, ParityDiffReport } from './types.js';

export interface Style {
  green(s: string): string;
  red(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
export const COLOR: Style = { green: wrap(32, 39), red: wrap(31, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
export const PLAIN: Style = { green: (s) => s, red: (s) => s, bold: (s) => s, dim: (s) => s };

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips the colour escapes we add ourselves
const visible = (s: string) => s.replace(/\u001b\[\d+m/g, '').length;

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - visible(c))))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function inputsTable(c: InputSummary, r: InputSummary): string {
  const row = (name: string, s: InputSummary) => [
    name,
    `${s.files.length}`,
    mb(s.bytes),
    `${s.records.scan}`,
    `${s.records.comparison}`,
    `${s.records.breaker}`,
    `${s.bad_lines}`,
    `${s.other_version_records}`,
    s.first_ts && s.last_ts ? `${s.first_ts} … ${s.last_ts}` : '-',
  ];
  return table(
    ['side', 'files', 'size', 'scans', 'comparison', 'breaker', 'bad lines', 'other version', 'window'],
    [row('candidate', c), row('reference', r)],
  );
}

function checksTable(checks: Check[], st: Style): string {
  return table(
    ['', 'check', 'result'],
    checks.map((c) => [c.pass ? st.green('PASS') : st.red('FAIL'), c.title, c.summary]),
  );
}

type Ex = Record<string, unknown>;
const exList = (v: unknown): Ex[] => (Array.isArray(v) ? (v as Ex[]) : []);
const at = (w: unknown) => {
  const x = w as { file?: string; line?: number } | undefined;
  return x?.file ? `${x.file}:${x.line}` : '';
};

/** The first examples of each failing check, as short indented lines. */
function failureDetails(checks: Check[], st: Style): string[] {
  const out: string[] = [];
  for (const c of checks) {
    if (c.pass) continue;
    const d = c.details;
    const lines: string[] = [];
    switch (c.id) {
      case 'malformed_lines':
        for (const side of ['candidate', 'reference'])
          for (const b of exList(d[`${side}_examples`]))
            lines.push(`${side} ${b.file}:${b.line}: ${b.reason}`);
        break;
      case 'schema_version':
        for (const side of ['candidate', 'reference'])
          for (const b of exList(d[`${side}_examples`]))
            lines.push(`${side} ${b.file}:${b.line}: schema_version ${JSON.stringify(b.schemaVersion)}`);
        break;
      case 'scan_continuity':
        for (const side of ['candidate', 'reference'])
          for (const b of exList(d[`${side}_break_examples`]))
            lines.push(
              `${side} run ${b.runId}: ${b.kind} ${b.previous} → ${b.next} at ${b.ts} (${at(b.at)})`,
            );
        break;
      case 'vix':
        for (const b of exList(d.examples))
          lines.push(
            `${b.candidateTs}: candidate ${b.candidate} reference ${b.reference} (Δ ${b.delta ?? 'n/a'})`,
          );
        break;
      case 'count_drift':
        for (const b of exList(d.per_date)
          .filter((x) => !x.pass)
          .slice(0, 10))
          lines.push(
            `${b.trade_date}: entries ${b.candidate_entries} vs ${b.reference_entries}, exits ${b.candidate_exits} vs ${b.reference_exits}`,
          );
        break;
      case 'entries':
      case 'exits':
        for (const b of exList(d.candidate_only_examples))
          lines.push(`candidate-only ${b.key} at ${b.candidateTs} (${at(b.candidateAt)})`);
        for (const b of exList(d.reference_only_examples))
          lines.push(`reference-only ${b.key} at ${b.referenceTs} (${at(b.referenceAt)})`);
        break;
      case 'unmatched':
        for (const side of ['candidate', 'reference'])
          for (const b of exList(d[`${side}_examples`]))
            lines.push(`${side} scan ${b.scanCount} at ${b.ts} (${at(b.at)})`);
        break;
      case 'equity':
        for (const b of exList(d.failures)) lines.push(`${b.interval} ${b.scenario}: ${b.problem}`);
        break;
      case 'precheck_parity':
        for (const b of exList(d.examples))
          lines.push(`${b.candidateTs} ${b.key}: candidate ${b.candidate} reference ${b.reference}`);
        break;
      case 'breaker':
        for (const b of exList(d.examples))
          lines.push(`${b.ts} ${b.scenario}: ${b.from} → ${b.to} (${b.cause}) ${at(b.at)}`);
        break;
    }
    if (lines.length) out.push(st.bold(`${c.id}:`), ...lines.slice(0, 10).map((l) => `  ${l}`));
  }
  return out;
}

export function renderTerminal(report: ParityDiffReport, st: Style): string {
  const parts: string[] = [];
  parts.push(st.bold(`parity-diff ${report.command}`));
  parts.push(`candidate: ${report.inputs.candidate.path}`, `reference: ${report.inputs.reference.path}`, '');
  parts.push(inputsTable(report.inputs.candidate, report.inputs.reference), '');
  parts.push(checksTable(report.checks, st), '');
  if (report.gate) {
    parts.push(st.bold('pre-cutover checklist'));
    parts.push(checksTable(report.gate, st), '');
  }
  const details = failureDetails([...report.checks, ...(report.gate ?? [])], st);
  if (details.length) parts.push(st.bold('first differences'), ...details, '');
  parts.push(report.pass ? st.green(st.bold('PASS')) : st.red(st.bold('FAIL')));
  return `${parts.join('\n')}\n`;
}

/** A one-line progress bar on stderr (TTY only), redrawn in place. */
export function createProgressBar(write: (s: string) => void, width = 30) {
  let lastDrawn = -1;
  return {
    update(done: number, total: number) {
      const frac = total === 0 ? 1 : Math.min(1, done / total);
      const pctNow = Math.floor(frac * 100);
      if (pctNow === lastDrawn) return;
      lastDrawn = pctNow;
      const filled = Math.round(frac * width);
      write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pctNow}% ${(done / 1048576).toFixed(0)}/${(total / 1048576).toFixed(0)} MB`,
      );
    },
    done() {
      if (lastDrawn !== -1) write('\r\u001b[2K');
    },
  };
}
