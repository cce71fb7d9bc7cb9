#!/usr/bin/env node
// Runs a TypeScript benchmark:  node scripts/bench/run.mjs <file.ts> [args...]
//
// TypeScript is compiled in memory by @swc/core (already a root devDependency) through a
// CommonJS require hook, with the same settings Jest uses, so benchmarks import the libraries'
// sources exactly as the tests do. Arguments after the file are passed through: the benchmark
// sees them as process.argv.slice(2) (e.g. `npm run bench:resilience -- --json`).
// If the module exports `main(args)`, it is awaited; a rejection sets a non-zero exit code.
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { transformSync } = require('@swc/core');

const [, , file, ...args] = process.argv;
if (!file) {
  console.error('usage: node scripts/bench/run.mjs <file.ts> [args...]');
  process.exit(2);
}

process.setSourceMapsEnabled(true);
Module._extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

const entry = path.resolve(file);
process.argv = [process.argv[0], entry, ...args];
try {
  const loaded = require(entry);
  if (typeof loaded.main === 'function') await loaded.main(args);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
