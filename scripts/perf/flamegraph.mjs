#!/usr/bin/env node
// Renders a V8 CPU profile (`node --cpu-prof`, a .cpuprofile file) as an icicle flame graph
// in SVG, headless: the call tree is aggregated from the samples, frames under a share of the
// busy time are folded into their parent, and Vega's partition layout draws it (renderer
// 'none' + toSVG(); no browser). Width is the share of busy samples; depth goes down.
//
//   node scripts/perf/flamegraph.mjs <in.cpuprofile> <out.svg> [--title T] [--last S] [--skip-end E]
//
// --last S / --skip-end E keep only the samples taken from S seconds before the profile's end
// up to E seconds before it (e.g. the steady load window, leaving start-up and shutdown out).
// Idle and GC-less "(program)" samples are left out of the tree; the title says how many
// busy samples it shows. docs/PERFORMANCE.md shows checkout's before and after.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, View } from 'vega';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
const title = option('--title', undefined);
const lastSeconds = Number(option('--last', 'Infinity'));
const skipEndSeconds = Number(option('--skip-end', '0'));
const MIN_SHARE = Number(option('--min-share', '0.004'));
const [input, output] = args;
if (!input || !output) {
  console.error(
    'usage: node scripts/perf/flamegraph.mjs <in.cpuprofile> <out.svg> [--title T] [--last S] [--skip-end E] [--min-share 0.004]',
  );
  process.exit(2);
}

const profile = JSON.parse(readFileSync(input, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);

// Samples per profile node, inside the time window.
const hi = profile.endTime - skipEndSeconds * 1e6;
const lo = profile.endTime - lastSeconds * 1e6;
const hits = new Map();
let t = profile.startTime;
let busy = 0;
profile.samples.forEach((id, i) => {
  t += profile.timeDeltas[i];
  if (t < lo || t > hi) return;
  const name = byId.get(id).callFrame.functionName;
  if (name === '(idle)' || name === '(program)') return;
  hits.set(id, (hits.get(id) ?? 0) + 1);
  busy++;
});

/** A frame's label: function, then the package or file it lives in. */
function label(frame) {
  const fn = frame.functionName || '(anonymous)';
  const url = frame.url ?? '';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
  const where = pkg ?? url.match(/(?:libs|services)\/[^/]+\/(?:src|dist)\/.*$/)?.[0] ?? url;
  return where ? `${fn} (${where.replace(/^node:/, '')})` : fn;
}

// Merge profile nodes into a tree keyed by the path of labels (the same function reached by
// the same path is one box), counting self samples.
const tree = { id: 'root', name: `all (${busy} busy samples)`, parent: null, self: 0, total: 0 };
const nodes = new Map([['root', tree]]);
for (const [id, count] of hits) {
  const path = [];
  for (let cur = id; cur !== undefined; cur = parentOf.get(cur)) {
    const frame = byId.get(cur).callFrame;
    if (frame.functionName !== '(root)') path.unshift(label(frame));
  }
  let key = 'root';
  for (const name of path) {
    const child = `${key}>${name}`;
    if (!nodes.has(child)) nodes.set(child, { id: child, name, parent: key, self: 0, total: 0 });
    key = child;
  }
  nodes.get(key).self += count;
}
// Totals (children before parents).
const ordered = [...nodes.values()].sort((a, b) => b.id.length - a.id.length);
for (const n of ordered) {
  n.total += n.self;
  if (n.parent) nodes.get(n.parent).total += n.total;
}
// Fold boxes too narrow to read, with everything under them, into their parent's self time
// (top-down, so no sample is lost: the root stays 100 %).
const byDepth = [...nodes.values()].sort((a, b) => a.id.length - b.id.length);
for (const n of byDepth) {
  if (!nodes.has(n.id) || !n.parent || n.total >= busy * MIN_SHARE) continue;
  nodes.get(n.parent).self += n.total;
  for (const key of [...nodes.keys()])
    if (key === n.id || key.startsWith(`${n.id}>`)) nodes.delete(key);
}
const values = [...nodes.values()].map((n) => ({
  ...n,
  share: n.total / busy,
  label: `${n.name} ${((100 * n.total) / busy).toFixed(1)}%`,
}));
const depth = Math.max(...[...nodes.keys()].map((k) => k.split('>').length));

const width = 1400;
const rowHeight = 17;
const spec = {
  $schema: 'https://vega.github.io/schema/vega/v6.json',
  width,
  height: depth * rowHeight,
  // Fixed size: labels are clipped to their box, so they must not grow the canvas.
  autosize: { type: 'none' },
  padding: { left: 5, right: 5, top: 30, bottom: 5 },
  title: { text: title ?? input, anchor: 'start', fontSize: 14 },
  data: [
    {
      name: 'tree',
      values,
      transform: [
        { type: 'stratify', key: 'id', parentKey: 'parent' },
        {
          type: 'partition',
          field: 'self',
          sort: { field: 'name' },
          size: [{ signal: 'width' }, { signal: 'height' }],
          as: ['x0', 'y0', 'x1', 'y1', 'depth', 'children'],
        },
      ],
    },
  ],
  scales: [
    {
      name: 'color',
      type: 'ordinal',
      domain: { data: 'tree', field: 'depth' },
      range: ['#f2b36b', '#ee9a4f', '#f4c17d', '#e8863f', '#f6cf93', '#eb9158'],
    },
  ],
  marks: [
    {
      type: 'rect',
      from: { data: 'tree' },
      encode: {
        enter: {
          x: { field: 'x0' },
          x2: { field: 'x1' },
          y: { field: 'y0' },
          y2: { field: 'y1' },
          fill: { scale: 'color', field: 'depth' },
          stroke: { value: 'white' },
          strokeWidth: { value: 0.5 },
          tooltip: { field: 'label' },
        },
      },
    },
    {
      type: 'text',
      from: { data: 'tree' },
      encode: {
        enter: {
          x: { signal: 'datum.x0 + 3' },
          y: { signal: '(datum.y0 + datum.y1) / 2' },
          baseline: { value: 'middle' },
          fontSize: { value: 10 },
          fill: { value: '#222' },
          text: { field: 'label' },
          limit: { signal: 'max(0, datum.x1 - datum.x0 - 6)' },
          opacity: { signal: 'datum.x1 - datum.x0 > 30 ? 1 : 0' },
        },
      },
    },
  ],
};

const view = new View(parse(spec), { renderer: 'none' });
writeFileSync(output, await view.toSVG());
view.finalize();
console.error(`flamegraph: ${values.length} boxes from ${busy} busy samples → ${output}`);
