// Renders Vega-Lite specifications to SVG, headless: stdin is a JSON array of specs, stdout a
// JSON array of SVG documents in the same order. vega-lite compiles each to a Vega spec, and
// vega's View renders it with no canvas and no browser (renderer 'none' + toSVG()).
// A separate ES module (run by bench-html.ts as a child process) because vega is ESM-only with
// top-level await, which the benchmark's CommonJS require hook cannot load.
import { parse, View } from 'vega';
import { compile } from 'vega-lite';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const specs = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const svgs = [];
for (const spec of specs) {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  svgs.push(await view.toSVG());
  view.finalize();
}
process.stdout.write(JSON.stringify(svgs));
