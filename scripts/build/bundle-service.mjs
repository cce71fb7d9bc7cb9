#!/usr/bin/env node
// Bundles one backend service's build into a single script, the one its processes run:
//
//   node scripts/build/bundle-service.mjs [services/<name>]     (default: the current folder)
//
// Each service's `npm run build` runs it after `tsc -b`: esbuild takes `dist/main.js` (the
// compiled service, the workspace libs' dist/ behind it) and writes `dist/bundle/main.js`, the
// file the package.json's `main` names and every start path runs (the test and benchmark
// harness, `npm start`, the image's CMD). Why: a Node.js process keeps the source of every module
// it loads for lazy compilation; one minified script instead of ~2 100 module files takes ~7 MiB
// off each service's V8 heap at rest (docs/PERFORMANCE.md, twenty-third round).
//
// Left outside the bundle, loaded from node_modules as before (EXTERNAL below): the packages
// the OpenTelemetry instrumentations patch when they load (pg, pg-pool, ioredis),
// swagger-ui-dist (serves its files from its own folder), and the packages Nest and Fastify
// load only if installed. A package the bundle cannot resolve fails the build.
//
// Paths the bundle keeps: `dist/bundle/` is two folders below the service, as the sources'
// `src/infrastructure/` is, so `join(__dirname, '..', '..', 'migrations')` finds the same
// migrations folder; the platform lib's malloc_trim addon, when it was built, is copied to
// `dist/bundle/native/`, where the lib's loader looks first.
//
// Stack traces point into the minified bundle; `dist/bundle/main.js.map` (esbuild follows
// tsc's maps) maps them to the TypeScript sources: run with NODE_OPTIONS=--enable-source-maps
// to see those (a 12 MB map held by the process: not on by default, and not measured here).
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const serviceDir = resolve(process.argv[2] ?? process.cwd());
const entry = join(serviceDir, 'dist', 'main.js');
const outDir = join(serviceDir, 'dist', 'bundle');
const label = relative(root, serviceDir) || serviceDir;

/** Packages loaded from node_modules at run time, not bundled (see the header for why). */
const EXTERNAL = [
  // Patched by the OpenTelemetry instrumentations when they load (libs/platform telemetry).
  'pg',
  'pg-pool',
  'ioredis',
  // @nestjs/swagger serves the UI's files from swagger-ui-dist's own folder.
  'swagger-ui-dist',
  // Loaded by Nest and Fastify only when installed; the services install none of them.
  '@nestjs/microservices',
  '@nestjs/websockets',
  '@nestjs/platform-express',
  'class-transformer',
  'class-validator',
  '@fastify/static',
  '@fastify/view',
];

if (!existsSync(entry)) {
  console.error(`bundle: ${label}: ${relative(root, entry)} is missing; run tsc -b first`);
  process.exit(1);
}

const { build } = createRequire(import.meta.url)('esbuild');
rmSync(outDir, { recursive: true, force: true });
const result = await build({
  entryPoints: [entry],
  outfile: join(outDir, 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  // Names stay (keepNames): Nest and the logs read classes' and functions' names.
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  external: EXTERNAL,
  logLevel: 'warning',
  metafile: true,
}).catch(() => process.exit(1)); // esbuild has printed the errors

const addon = join(root, 'libs', 'platform', 'dist', 'native', 'malloc-trim.node');
if (existsSync(addon)) {
  mkdirSync(join(outDir, 'native'), { recursive: true });
  copyFileSync(addon, join(outDir, 'native', 'malloc-trim.node'));
}
const bytes = statSync(join(outDir, 'main.js')).size;
const modules = Object.keys(result.metafile.inputs).length;
console.log(
  `bundle: ${label}/dist/bundle/main.js, ${(bytes / 1e6).toFixed(1)} MB from ${modules} modules` +
    (existsSync(addon) ? ' (+ the malloc_trim addon)' : ''),
);
