import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { chartSpecs, type VegaLiteSpec } from './bench-charts';
import { renderReport, type CheckoutBenchResult } from './bench-report';

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The self-contained HTML report: the charts (inline SVG, no script, no external resource),
 * then the text report, then the run's JSON.
 */
export function renderHtml(r: CheckoutBenchResult, svgs: readonly string[]): string {
  const figures = svgs.map((svg) => `<figure>${svg}</figure>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Checkout benchmark ${escapeHtml(r.startedAt)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
figure { margin: 1.5em 0; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 12px; }
</style>
</head>
<body>
<h1>Checkout benchmark</h1>
<p>${escapeHtml(`${r.machine.cpus} cores (${r.machine.cpuModel}), node ${r.machine.node}, ${r.startedAt}${r.quick ? ', --quick (short steps: noisy)' : ''}`)}</p>
${figures}
<h2>Report</h2>
<pre>${escapeHtml(renderReport(r))}</pre>
<details><summary>JSON</summary><pre>${escapeHtml(JSON.stringify(r, null, 2))}</pre></details>
</body>
</html>
`;
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
