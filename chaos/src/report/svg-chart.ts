/** One line of a chart. */
export interface ChartLine {
  name: string;
  points: readonly [number, number][];
  color: string;
  /** Step line (a state), not a straight line between points. */
  step?: boolean;
}

/** A time chart: lines over seconds, the fault window shaded. */
export interface Chart {
  title: string;
  unit: string;
  lines: ChartLine[];
  fault?: { from: number; to: number };
  xMax: number;
  /** Fixed y range top (e.g. 2 for breaker states); otherwise from the data. */
  yMax?: number;
}

/** Colours of the charts' lines, in order. */
export const PALETTE = [
  '#1f77b4',
  '#2ca02c',
  '#d62728',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
];

const W = 760;
const H = 200;
const M = { left: 56, right: 150, top: 26, bottom: 28 };

function esc(s: string): string {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
  );
}

/** A "nice" rounded upper bound for an axis. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * Renders a chart as an SVG fragment (no scripts, no external resources): axes with ticks, the
 * fault window as a red band, one polyline per series, a legend on the right.
 */
export function renderChart(chart: Chart, x0 = 0, y0 = 0): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const all = chart.lines.flatMap((l) => l.points.map((p) => p[1])).filter(Number.isFinite);
  const yMax = chart.yMax ?? niceMax(Math.max(0, ...all));
  const xMax = Math.max(1, chart.xMax);
  const sx = (x: number) => M.left + (x / xMax) * pw;
  const sy = (y: number) => M.top + ph - (Math.min(y, yMax) / yMax) * ph;
  const parts: string[] = [
    `<g transform="translate(${x0},${y0})" font-family="sans-serif" font-size="11">`,
    `<text x="${M.left}" y="16" font-size="13" font-weight="bold">${esc(chart.title)}</text>`,
  ];
  if (chart.fault)
    parts.push(
      `<rect x="${sx(chart.fault.from)}" y="${M.top}" width="${Math.max(1, sx(chart.fault.to) - sx(chart.fault.from))}" height="${ph}" fill="#d62728" fill-opacity="0.10"/>`,
      `<text x="${sx(chart.fault.from) + 3}" y="${M.top + 11}" fill="#d62728">fault</text>`,
    );
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    parts.push(
      `<line x1="${M.left}" x2="${M.left + pw}" y1="${sy(y)}" y2="${sy(y)}" stroke="#ddd"/>`,
      `<text x="${M.left - 4}" y="${sy(y) + 4}" text-anchor="end">${+y.toFixed(2)}</text>`,
    );
  }
  const xStep = niceMax(xMax / 8);
  for (let x = 0; x <= xMax; x += xStep)
    parts.push(`<text x="${sx(x)}" y="${M.top + ph + 14}" text-anchor="middle">${x}s</text>`);
  parts.push(
    `<text x="12" y="${M.top + ph / 2}" transform="rotate(-90 12 ${M.top + ph / 2})" text-anchor="middle">${esc(chart.unit)}</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
  );
  chart.lines.forEach((line, i) => {
    const pts = line.points.filter(([, y]) => Number.isFinite(y));
    let d = '';
    pts.forEach(([x, y], k) => {
      if (k === 0) d += `M${sx(x).toFixed(1)},${sy(y).toFixed(1)}`;
      else if (line.step) d += `H${sx(x).toFixed(1)}V${sy(y).toFixed(1)}`;
      else d += `L${sx(x).toFixed(1)},${sy(y).toFixed(1)}`;
    });
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${line.color}" stroke-width="1.6"/>`);
    const ly = M.top + 6 + i * 15;
    parts.push(
      `<line x1="${W - M.right + 10}" x2="${W - M.right + 26}" y1="${ly}" y2="${ly}" stroke="${line.color}" stroke-width="3"/>`,
      `<text x="${W - M.right + 30}" y="${ly + 4}">${esc(line.name)}</text>`,
    );
  });
  parts.push('</g>');
  return parts.join('\n');
}

/** Several charts stacked in one standalone SVG document. */
export function renderCharts(charts: Chart[]): string {
  const body = charts.map((c, i) => renderChart(c, 0, i * H)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H * charts.length}" viewBox="0 0 ${W} ${H * charts.length}"><rect width="100%" height="100%" fill="#fff"/>${body}</svg>`;
}
