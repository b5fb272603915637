/** One line of the benchmark table. `pass` is null when the row has no target. */
export interface BenchRow {
  bench: string;
  metric: string;
  value: number | string;
  unit: string;
  target: string;
  pass: boolean | null;
}

const fmt = (v: number | string): string =>
  typeof v === 'number'
    ? Math.abs(v) >= 100
      ? v.toFixed(0)
      : Math.abs(v) >= 1
        ? v.toFixed(2)
        : v.toPrecision(3)
    : v;

export function formatTable(rows: BenchRow[]): string {
  const header = ['bench', 'metric', 'value', 'unit', 'target', 'ok'];
  const body = rows.map((r) => [
    r.bench,
    r.metric,
    fmt(r.value),
    r.unit,
    r.target,
    r.pass === null ? '' : r.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
