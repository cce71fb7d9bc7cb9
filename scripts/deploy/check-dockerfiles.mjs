#!/usr/bin/env node
// Statically checks every service image definition (services/*/Dockerfile): multi-stage, based
// on node:24, production dependencies only in the runtime stage, a non-root user, a HEALTHCHECK,
// and a build-context filter that keeps node_modules out (the context is the repository root).
// Building and starting the images is another check's job; this one needs no Docker.
// Usage: node scripts/deploy/check-dockerfiles.mjs   (exit code 1 on any problem)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerfileProblems } from './lib/dockerfile-rules.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Whether a .dockerignore text excludes node_modules at every depth. */
function ignoresNodeModules(text) {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .some((l) => l === '**/node_modules' || l === '**/node_modules/');
}

const services = readdirSync(join(root, 'services')).filter((s) =>
  existsSync(join(root, 'services', s, 'package.json')),
);
const problems = [];
let checked = 0;
for (const service of services.sort()) {
  const dockerfile = join('services', service, 'Dockerfile');
  if (!existsSync(join(root, dockerfile))) {
    problems.push(`${dockerfile}: missing (every service ships an image)`);
    continue;
  }
  checked++;
  for (const p of dockerfileProblems(readFileSync(join(root, dockerfile), 'utf8'))) {
    problems.push(`${dockerfile}: ${p}`);
  }
  const ignoreFiles = [`${dockerfile}.dockerignore`, '.dockerignore'].filter((f) =>
    existsSync(join(root, f)),
  );
  if (!ignoreFiles.some((f) => ignoresNodeModules(readFileSync(join(root, f), 'utf8')))) {
    problems.push(
      `${dockerfile}: no ${dockerfile}.dockerignore (or root .dockerignore) excluding **/node_modules: the whole workspace's node_modules would be sent as build context`,
    );
  }
}

if (problems.length > 0) {
  console.error(`check-dockerfiles: FAILED (${problems.length} problems)`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(
  `check-dockerfiles: ok — ${checked} service Dockerfiles: multi-stage, node:24, production dependencies only, non-root, HEALTHCHECK`,
);
