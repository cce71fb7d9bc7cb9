// The metric names the platform's code really exports, read from the source: every prom-client
// definition (`new Counter({ name: '…' })`, or the libs' `counter(registry, { name: '…' })`
// factories) in libs/*/src and services/*/src, plus prom-client's default metrics when some code
// calls collectDefaultMetrics(). Histograms and summaries add their _bucket/_sum/_count series.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const DEFINITION =
  /\b(new\s+)?(Counter|Gauge|Histogram|Summary|counter|gauge|histogram|summary)\s*(?:<[^>]*>)?\s*\(/g;
const NAME = /\bname:\s*['"]([a-zA-Z_:][a-zA-Z0-9_:]*)['"]/g;

/** Series a metric of `type` exposes besides its own name. */
function seriesOf(name, type) {
  if (type === 'histogram') return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

/**
 * Metric definitions in one TypeScript source text: a `name: '…'` counts only when it follows a
 * prom-client constructor or metric factory call (so `@ApiQuery({ name: 'limit' })` does not).
 * @param {string} text
 * @returns {{name: string, type: string}[]}
 */
export function metricDefinitionsIn(text) {
  const calls = [...text.matchAll(DEFINITION)].map((m) => ({
    at: m.index ?? 0,
    type: m[2].toLowerCase(),
  }));
  const found = [];
  for (const m of text.matchAll(NAME)) {
    const at = m.index ?? 0;
    const call = calls.filter((c) => c.at < at && at - c.at < 400).pop();
    if (call) found.push({ name: m[1], type: call.type });
  }
  return found;
}

/** Source files of the code that runs in the services (no tests, no build output). */
function sourceFiles(root) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (entry !== 'node_modules' && entry !== 'dist') walk(path);
      } else if (/\.ts$/.test(entry) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry)) {
        files.push(path);
      }
    }
  };
  for (const group of ['libs', 'services']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const project of readdirSync(base)) {
      const src = join(base, project, 'src');
      if (existsSync(src)) walk(src);
    }
  }
  return files;
}

/** prom-client's default metric names, read from the installed package (node_modules). */
export function promClientDefaultMetrics(root) {
  const require = createRequire(join(root, 'libs', 'platform', 'package.json'));
  const dir = join(dirname(require.resolve('prom-client/package.json')), 'lib', 'metrics');
  const series = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    const type = /new\s+Histogram\s*\(/.test(text) ? 'histogram' : 'other';
    for (const m of text.matchAll(/['"]((?:process|nodejs)_[a-z0-9_]+)['"]/g)) {
      for (const s of seriesOf(m[1], type)) series.set(s, `prom-client default (${file})`);
    }
  }
  return series;
}

/**
 * Every metric series name the code of libs/ and services/ can export, with where it is defined.
 * @param {string} root repository root
 * @returns {Map<string, string>} series name → "path" of its definition
 */
export function exportedMetricSeries(root) {
  const series = new Map();
  let defaults = false;
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    if (/\bcollectDefaultMetrics\s*\(/.test(text)) defaults = true;
    for (const { name, type } of metricDefinitionsIn(text)) {
      for (const s of seriesOf(name, type)) series.set(s, file.slice(root.length + 1));
    }
  }
  if (defaults) for (const [s, where] of promClientDefaultMetrics(root)) series.set(s, where);
  return series;
}
