/** Hand-drawn inline SVG charts: no library, no network, nothing but markup. */

export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface LineSeries {
  label: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const FRAME: Frame = { width: 900, height: 260, left: 64, right: 16, top: 28, bottom: 36 };

function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step)
    ticks.push(Math.round(t / step) * step);
  return ticks;
}

const fmt = (v: number) =>
  Math.abs(v) >= 1000 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function shell(
  id: string,
  title: string,
  f: Frame,
  body: string,
  legend: { label: string; color: string }[],
): string {
  const leg = legend
    .map(
      (l, i) =>
        `<g transform="translate(${f.left + i * 150},${12})"><rect width="12" height="4" y="-2" fill="${l.color}"/><text x="16" y="4" font-size="11">${esc(l.label)}</text></g>`,
    )
    .join('');
  return `<svg data-chart="${esc(id)}" role="img" aria-label="${esc(title)}" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">${leg}${body}</svg>`;
}

function empty(id: string, title: string, f: Frame): string {
  return shell(
    id,
    title,
    f,
    `<rect x="${f.left}" y="${f.top}" width="${f.width - f.left - f.right}" height="${f.height - f.top - f.bottom}" fill="none" stroke="#ccc"/><text x="${f.width / 2}" y="${f.height / 2}" text-anchor="middle" font-size="13" fill="#777">no data</text>`,
    [],
  );
}

export function lineChart(opts: {
  id: string;
  title: string;
  series: LineSeries[];
  /** Horizontal reference lines (thresholds). */
  refLines?: { y: number; label: string }[];
  frame?: Partial<Frame>;
}): string {
  const f = { ...FRAME, ...opts.frame };
  const all = opts.series.flatMap((s) => s.points);
  if (all.length === 0) return empty(opts.id, opts.title, f);
  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  for (const [x, y] of all) {
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  for (const r of opts.refLines ?? []) {
    yMin = Math.min(yMin, r.y);
    yMax = Math.max(yMax, r.y);
  }
  if (xMax === xMin) xMax = xMin + 1;
  if (yMax === yMin) {
    yMax += 1;
    yMin -= 1;
  }
  const pad = (yMax - yMin) * 0.05;
  yMin -= pad;
  yMax += pad;
  const pw = f.width - f.left - f.right;
  const ph = f.height - f.top - f.bottom;
  const sx = (x: number) => f.left + ((x - xMin) / (xMax - xMin)) * pw;
  const sy = (y: number) => f.top + (1 - (y - yMin) / (yMax - yMin)) * ph;
  const parts: string[] = [];
  parts.push(`<rect x="${f.left}" y="${f.top}" width="${pw}" height="${ph}" fill="#fafafa" stroke="#ccc"/>`);
  for (const t of niceTicks(yMin, yMax)) {
    const y = sy(t).toFixed(1);
    parts.push(`<line x1="${f.left}" x2="${f.left + pw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(
      `<text x="${f.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="10">${fmt(t)}</text>`,
    );
  }
  // About one date label per 90 px, so small charts' labels never run into each other.
  const xt = Math.max(1, Math.min(5, Math.floor(pw / 90)));
  for (let i = 0; i <= xt; i++) {
    const x = xMin + ((xMax - xMin) * i) / xt;
    const anchor = i === 0 ? 'start' : i === xt ? 'end' : 'middle';
    parts.push(
      `<text x="${sx(x).toFixed(1)}" y="${f.height - f.bottom + 14}" text-anchor="${anchor}" font-size="10">${dateOf(x)}</text>`,
    );
  }
  for (const r of opts.refLines ?? []) {
    const y = sy(r.y).toFixed(1);
    parts.push(
      `<line class="ref" x1="${f.left}" x2="${f.left + pw}" y1="${y}" y2="${y}" stroke="#d33" stroke-dasharray="4 3"/><text x="${f.left + pw - 4}" y="${Number(y) - 3}" text-anchor="end" font-size="10" fill="#d33">${esc(r.label)}</text>`,
    );
  }
  for (const s of opts.series) {
    if (s.points.length === 0) continue;
    const d = s.points
      .map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
      .join('');
    parts.push(
      `<path class="series" data-series="${esc(s.label)}" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
    );
    if (s.points.length === 1) {
      const [x, y] = s.points[0]!;
      parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
  }
  return shell(opts.id, opts.title, f, parts.join(''), opts.series);
}

export function groupedBarChart(opts: {
  id: string;
  title: string;
  categories: string[];
  series: { label: string; color: string; values: number[] }[];
  frame?: Partial<Frame>;
}): string {
  const f = { ...FRAME, ...opts.frame };
  const n = opts.categories.length;
  if (n === 0) return empty(opts.id, opts.title, f);
  const yMax = Math.max(1, ...opts.series.flatMap((s) => s.values)) * 1.05;
  const pw = f.width - f.left - f.right;
  const ph = f.height - f.top - f.bottom;
  const band = pw / n;
  const barW = Math.max(1, (band * 0.8) / opts.series.length);
  const sy = (y: number) => f.top + (1 - y / yMax) * ph;
  const parts: string[] = [
    `<rect x="${f.left}" y="${f.top}" width="${pw}" height="${ph}" fill="#fafafa" stroke="#ccc"/>`,
  ];
  for (const t of niceTicks(0, yMax)) {
    const y = sy(t).toFixed(1);
    parts.push(`<line x1="${f.left}" x2="${f.left + pw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(
      `<text x="${f.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="10">${fmt(t)}</text>`,
    );
  }
  const labelEvery = Math.max(1, Math.ceil(n / 10));
  opts.categories.forEach((cat, i) => {
    opts.series.forEach((s, k) => {
      const v = s.values[i] ?? 0;
      const x = f.left + i * band + band * 0.1 + k * barW;
      const y = sy(v);
      parts.push(
        `<rect class="bar" data-series="${esc(s.label)}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${(f.top + ph - y).toFixed(1)}" fill="${s.color}"><title>${esc(cat)} ${esc(s.label)}: ${v}</title></rect>`,
      );
    });
    if (i % labelEvery === 0) {
      parts.push(
        `<text x="${(f.left + i * band + band / 2).toFixed(1)}" y="${f.height - f.bottom + 14}" text-anchor="middle" font-size="10">${esc(cat)}</text>`,
      );
    }
  });
  return shell(opts.id, opts.title, f, parts.join(''), opts.series);
}
