#!/usr/bin/env node
// Builds libs/platform's one native addon, native/malloc-trim.c, into dist/native/malloc-trim.node
// (or the path given with --out). Part of the lib's build (`npx nx build platform`); the services'
// image runs it in its build stage.
//
// The addon is optional: a service without it runs the same, only keeping its allocator's free
// pages resident at rest (see src/metrics/malloc-trim.ts). So the build skips it, with a note on
// stderr, where it cannot be built — not Linux, no C compiler (`$CC`, else `cc`), or no Node-API
// headers beside the running Node.js (`<prefix>/include/node`, which the official builds, the
// npm registry's node package and the node images carry) — and fails only when a compiler that
// is there does not compile it.
// Usage: node libs/platform/scripts/build-native.mjs [--out <file>]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const lib = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(lib, 'native', 'malloc-trim.c');
const outIndex = process.argv.indexOf('--out');
const out =
  outIndex > 0
    ? resolve(process.argv[outIndex + 1] ?? '')
    : join(lib, 'dist', 'native', 'malloc-trim.node');

function skip(reason) {
  rmSync(out, { force: true }); // no stale addon from an earlier build
  console.error(
    `[platform] native addon not built (${reason}); services run without malloc_trim at rest`,
  );
  process.exit(0);
}

if (process.platform !== 'linux') skip(`malloc_trim is glibc's, this is ${process.platform}`);
const headers = join(dirname(process.execPath), '..', 'include', 'node');
if (!existsSync(join(headers, 'node_api.h'))) skip(`no Node-API headers at ${headers}`);
const cc = process.env.CC || 'cc';
if (spawnSync(cc, ['--version'], { stdio: 'ignore' }).error) skip(`no C compiler: ${cc}`);

mkdirSync(dirname(out), { recursive: true });
const partial = `${out}.${process.pid}.tmp`;
const compiled = spawnSync(
  cc,
  ['-O2', '-fPIC', '-shared', '-Wall', '-Wextra', '-Werror', '-I', headers, source, '-o', partial],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
if (compiled.status !== 0) {
  rmSync(partial, { force: true });
  console.error(`[platform] ${cc} could not compile ${source} (exit ${compiled.status})`);
  process.exit(1);
}
renameSync(partial, out);
