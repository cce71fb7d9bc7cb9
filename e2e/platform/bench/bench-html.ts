import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { chartSpecs, type VegaLiteSpec } from './bench-charts';
import { renderReport, type CheckoutBenchResult } from './bench-report';

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The parts of a self-contained HTML report. */
export interface HtmlPage {
  /** The page's heading. */
  heading: string;
  /** The browser tab's title (the heading and the run's start, say). */
  title: string;
  /** One line under the title: the machine, the run's settings. */
  subtitle: string;
  /** Rendered charts (SVG documents). */
  svgs: readonly string[];
  /** The text report. */
  report: string;
  /** The run's result, shown as JSON in a collapsed block. */
  json: unknown;
}

/**
 * A self-contained HTML report: the charts (inline SVG, no script, no external resource), then
 * the text report, then the run's JSON.
 */
export function htmlPage(page: HtmlPage): string {
  const figures = page.svgs.map((svg) => `<figure>${svg}</figure>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(page.title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
figure { margin: 1.5em 0; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 12px; }
</style>
</head>
<body>
<h1>${escapeHtml(page.heading)}</h1>
<p>${escapeHtml(page.subtitle)}</p>
${figures}
<h2>Report</h2>
<pre>${escapeHtml(page.report)}</pre>
<details><summary>JSON</summary><pre>${escapeHtml(JSON.stringify(page.json, null, 2))}</pre></details>
</body>
</html>
`;
}

/** The checkout benchmark's HTML report (see {@link htmlPage}). */
export function renderHtml(r: CheckoutBenchResult, svgs: readonly string[]): string {
  return htmlPage({
    heading: 'Checkout benchmark',
    title: `Checkout benchmark ${r.startedAt}`,
    subtitle: `${r.machine.cpus} cores (${r.machine.cpuModel}), node ${r.machine.node}, ${r.startedAt}${r.quick ? ', --quick (short steps: noisy)' : ''}`,
    svgs,
    report: renderReport(r),
    json: r,
  });
}

/** Compiles and renders Vega-Lite specs to SVG in a child Node process (render-svg.mjs). */
export async function renderSvgs(specs: readonly VegaLiteSpec[]): Promise<string[]> {
  const child = spawn(process.execPath, [join(__dirname, 'render-svg.mjs')], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.stdin.end(JSON.stringify(specs));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0)
    throw new Error(`rendering the charts failed (${code}): ${Buffer.concat(err).toString()}`);
  return JSON.parse(Buffer.concat(out).toString('utf8')) as string[];
}

/** Writes `reports/bench/checkout.html` under `root`; returns its path. */
export async function writeHtmlReport(root: string, r: CheckoutBenchResult): Promise<string> {
  const file = join(root, 'reports', 'bench', 'checkout.html');
  const svgs = await renderSvgs(chartSpecs(r));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, renderHtml(r, svgs));
  return file;
}
