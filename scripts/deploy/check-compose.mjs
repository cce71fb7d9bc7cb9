#!/usr/bin/env node
// Validates docker-compose.yml without Docker: every service has an image or a build (whose
// context and Dockerfile exist), a health check and a memory limit; every depends_on target
// exists, has a health check and is waited for with condition: service_healthy (and starts in the
// same profiles); published host ports are unique; bind-mounted files exist; the six services'
// environment keys are keys of their config schema (src/config/*.config.ts + the platform keys),
// they publish their contract port, and URLs point at services and ports that exist. Prints the
// memory total per profile and checks deploy/README.md states those totals.
// Usage: node scripts/deploy/check-compose.mjs   (exit code 1 on any problem)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { composeProblems } from './lib/compose-rules.mjs';
import { runtimeHealthcheck } from './lib/dockerfile-rules.mjs';
import { serviceConfig } from './lib/service-config.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const composeFile = join(root, 'docker-compose.yml');
const readme = join(root, 'deploy', 'README.md');

const doc = parse(readFileSync(composeFile, 'utf8'), { merge: true });
const read = (p) => (existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : undefined);
const { problems, totals } = composeProblems(doc, {
  exists: (p) => existsSync(join(root, p)),
  read,
  serviceConfig: (name) => serviceConfig(root, name),
  dockerfileHealthcheck: (p) => runtimeHealthcheck(read(p) ?? ''),
});

const readmeText = existsSync(readme) ? readFileSync(readme, 'utf8') : '';
for (const [profile, mib] of totals) {
  if (!readmeText.includes(`${mib} MiB`)) {
    problems.push(
      `deploy/README.md does not state the memory total of ${profile === '(default)' ? 'the default profile' : `profile ${profile}`}: ${mib} MiB`,
    );
  }
}

for (const [profile, mib] of totals) {
  console.log(`check-compose: memory limits, ${profile}: ${mib} MiB`);
}
if (problems.length > 0) {
  console.error(`check-compose: FAILED (${problems.length} problems)`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(
  `check-compose: ok — ${Object.keys(doc.services).length} services in docker-compose.yml`,
);
