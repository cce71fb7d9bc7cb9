import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Journal } from '../run/journal';
import { type Chart, PALETTE, renderCharts } from './svg-chart';

function esc(s: string): string {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
  );
}

function show(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return esc(JSON.stringify(v) ?? 'undefined');
}

/** The report's charts from a journal: load, latency, errors/shed, breakers, shedding, lag. */
export function chartsOf(j: Journal): Chart[] {
  const fault = j.windows.fault;
  const xMax = Math.max(1, j.timeline.length);
  // Each second of requests is drawn at its middle: the requests due in it straddle the marks.
  const t = (f: (s: Journal['timeline'][number]) => number) =>
    j.timeline.map((s) => [s.t + 0.5, f(s)] as [number, number]);
  const charts: Chart[] = [
    {
      title: 'Offered load and goodput (checkouts/s; goodput = 201 within the SLO)',
      unit: 'per second',
      fault,
      xMax,
      lines: [
        { name: 'offered', points: t((s) => s.offered), color: PALETTE[0]! },
        { name: 'goodput', points: t((s) => s.good), color: PALETTE[1]! },
      ],
    },
    {
      title: 'Checkout latency from the scheduled time (ms)',
      unit: 'ms',
      fault,
      xMax,
      lines: [
        { name: 'p50', points: t((s) => s.p50), color: PALETTE[0]! },
        { name: 'p99', points: t((s) => s.p99), color: PALETTE[3]! },
      ],
    },
    {
      title: 'Errors and shed requests (per second)',
      unit: 'per second',
      fault,
      xMax,
      lines: [
        { name: 'errors', points: t((s) => s.errors), color: PALETTE[2]! },
        { name: 'shed', points: t((s) => s.shed), color: PALETTE[4]! },
      ],
    },
  ];
  const group = (prefix: string) => j.series.filter((s) => s.name.startsWith(prefix));
  const breakers = group('breaker ');
  if (breakers.length)
    charts.push({
      title: "Checkout's circuit breakers (0 closed, 1 half-open, 2 open)",
      unit: 'state',
      fault,
      xMax,
      yMax: 2,
      lines: breakers.map((s, i) => ({
        name: s.name.slice(8),
        points: s.points,
        color: PALETTE[i % 8]!,
        step: true,
      })),
    });
  const shed = group('shed/s ').filter((s) => s.points.some(([, v]) => v > 0));
  if (shed.length)
    charts.push({
      title: 'Requests shed per second, by service',
      unit: 'per second',
      fault,
      xMax,
      lines: shed.map((s, i) => ({
        name: s.name.slice(7),
        points: s.points,
        color: PALETTE[i % 8]!,
      })),
    });
  const lag = group('lag ');
  if (lag.length)
    charts.push({
      title: 'Kafka consumer lag (messages)',
      unit: 'messages',
      fault,
      xMax,
      lines: lag.map((s, i) => ({
        name: s.name.slice(4),
        points: s.points,
        color: PALETTE[i % 8]!,
      })),
    });
  return charts;
}

/** A self-contained HTML page (inline SVG and CSS, no scripts) of one run. */
export function renderHtml(j: Journal): string {
  const verdictColor = j.status === 'completed' ? '#2ca02c' : '#d62728';
  const rows = j.judgements
    .map(
      (x) =>
        `<tr class="${x.ok ? 'ok' : 'bad'}"><td>${x.phase}</td><td>${esc(x.probe)}</td><td>${show(x.value)}</td><td>${esc(x.expected)}</td><td>${x.ok ? 'holds' : 'FAILS'}</td><td>${x.at.toFixed(1)} s${x.attempts > 1 ? ` (${x.attempts} reads)` : ''}</td></tr>`,
    )
    .join('');
  const acts = j.activities
    .map(
      (a) =>
        `<tr class="${a.ok ? '' : 'bad'}"><td>${a.phase}</td><td>${esc(a.name)}</td><td>${esc(a.provider)}</td><td>${a.start.toFixed(1)}–${a.end.toFixed(1)} s</td><td>${a.ok ? 'ok' : esc(a.error ?? 'failed')}</td></tr>`,
    )
    .join('');
  const figures = Object.entries(j.figures)
    .map(
      ([phase, f]) =>
        `<tr><td>${phase}</td><td>${f.requests}</td><td>${f.offered_rps.toFixed(1)}</td><td>${f.goodput_rps.toFixed(1)}</td><td>${(f.success_ratio * 100).toFixed(1)} %</td><td>${(f.shed_ratio * 100).toFixed(1)} %</td><td>${Math.round(f.p50_ms)}</td><td>${Math.round(f.p99_ms)}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(j.experiment.title)} — chaos report</title>
<style>body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}tr.bad td{background:#fde2e2}.verdict{display:inline-block;padding:4px 12px;color:#fff;border-radius:4px;background:${verdictColor}}pre{background:#f6f6f6;padding:8px;font-size:12px;overflow:auto}</style></head><body>
<h1>${esc(j.experiment.title)}${j.variant ? ` — variant: ${esc(j.variant)}` : ''}</h1>
<p>${esc(j.experiment.description)}</p>
<p><span class="verdict">${j.status.toUpperCase()}</span> · run ${j.runId} · ${esc(j.startedAt)} · ${j.durationSeconds} s${j.quick ? ' · quick mode' : ''} · tags: ${j.experiment.tags.map(esc).join(', ')}</p>
${j.error ? `<p><b>Error:</b> ${esc(j.error)}</p>` : ''}
<h2>Steady-state hypothesis</h2>
<table><tr><th>when</th><th>probe</th><th>value</th><th>tolerance</th><th>verdict</th><th>at</th></tr>${rows}</table>
<h2>Load by phase</h2>
<table><tr><th>phase</th><th>requests</th><th>offered/s</th><th>goodput/s</th><th>success</th><th>shed</th><th>p50 ms</th><th>p99 ms</th></tr>${figures}</table>
<h2>Timelines</h2>
${renderCharts(chartsOf(j))}
<h2>Actions and probes</h2>
<table><tr><th>phase</th><th>name</th><th>provider</th><th>when</th><th>outcome</th></tr>${acts}</table>
<h2>Outcomes by status</h2><pre>${esc(JSON.stringify(j.statusCounts, null, 2))}</pre>
${Object.keys(j.notes).length ? `<h2>Notes</h2><pre>${esc(JSON.stringify(j.notes, null, 2))}</pre>` : ''}
<h2>Configuration</h2><pre>${esc(JSON.stringify(j.configuration, null, 2))}</pre>
${j.safetyNet.length ? `<h2>Undone by the safety net</h2><pre>${esc(JSON.stringify(j.safetyNet, null, 2))}</pre>` : ''}
</body></html>`;
}

/** Writes report.html and timeline.svg of a journal into `dir` (again, e.g. after a renderer change). */
export function renderInto(dir: string, j: Journal): void {
  writeFileSync(join(dir, 'report.html'), renderHtml(j));
  writeFileSync(join(dir, 'timeline.svg'), renderCharts(chartsOf(j)));
}

/** Writes journal.json, report.html and timeline.svg under `<root>/<id>/<time>/`; returns the folder. */
export function writeReport(root: string, j: Journal): string {
  const variant = j.variant ? `-${j.variant.replace(/[^a-z0-9]+/gi, '-')}` : '';
  const dir = join(root, j.experiment.id, `${j.startedAt.replace(/[:.]/g, '-')}${variant}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'journal.json'), `${JSON.stringify(j, null, 2)}\n`);
  renderInto(dir, j);
  return dir;
}
