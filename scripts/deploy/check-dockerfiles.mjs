#!/usr/bin/env node
// Statically checks the services' image definitions: the shared Dockerfile of the backend
// services (deploy/docker/service.Dockerfile), once per docker-compose.yml entry built from it
// with that entry's build arguments, and any Dockerfile a service keeps (the console's). Each must
// be multi-stage, based on node:24, with production dependencies only in the runtime stage, a
// non-root user, a HEALTHCHECK, and a build-context filter that keeps node_modules out (the
// context is the repository root). Every backend service must be built from the shared
// Dockerfile (no Dockerfile of its own), and its runtime stage must copy exactly the libs the
// service's tsconfig.build.json references.
// Building and starting the images is another check's job; this one needs no Docker.
// Usage: node scripts/deploy/check-dockerfiles.mjs   (exit code 1 on any problem)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { environmentOf } from './lib/compose-model.mjs';
import { composeImages, SERVICE_DOCKERFILE } from './lib/compose-rules.mjs';
import { parseStages } from './lib/dockerfile.mjs';
import { copiedLibs, dockerfileProblems, serviceImageProblems } from './lib/dockerfile-rules.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Services that keep a Dockerfile of their own, and why.
const OWN_DOCKERFILE_ALLOWED = {
  console: 'also builds its front end (Vite) and needs only libs/platform (with libs/resilience)',
};

/** Whether a .dockerignore text excludes node_modules at every depth. */
function ignoresNodeModules(text) {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .some((l) => l === '**/node_modules' || l === '**/node_modules/');
}

/** The libs a tsconfig.build.json references, with the libs those reference (folder names). */
function referencedLibs(tsconfig, seen = new Set()) {
  if (!existsSync(tsconfig)) return undefined;
  const json = JSON.parse(readFileSync(tsconfig, 'utf8'));
  for (const ref of json.references ?? []) {
    let path = join(dirname(tsconfig), ref.path);
    if (!path.endsWith('.json')) path = join(path, 'tsconfig.json');
    const rel = relative(root, path).split('\\').join('/');
    const lib = /^libs\/([^/]+)\//.exec(rel)?.[1];
    if (!lib || seen.has(lib)) continue;
    seen.add(lib);
    referencedLibs(path, seen);
  }
  return [...seen].sort();
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const services = readdirSync(join(root, 'services'))
  .filter((s) => existsSync(join(root, 'services', s, 'package.json')))
  .sort();
const builds = composeImages(compose).map((b) => {
  const port = environmentOf(compose.services[b.entry]).PORT;
  return { ...b, port: port === undefined ? undefined : String(port) };
});
const read = (path) => readFileSync(join(root, path), 'utf8');

const problems = serviceImageProblems({
  services,
  ownDockerfiles: services.filter((s) => existsSync(join(root, 'services', s, 'Dockerfile'))),
  ownDockerfileAllowed: OWN_DOCKERFILE_ALLOWED,
  builds,
  sharedDockerfile: SERVICE_DOCKERFILE,
  libsOf: (s) => referencedLibs(join(root, 'services', s, 'tsconfig.build.json')),
  copiedLibsOf: (args) => copiedLibs(parseStages(read(SERVICE_DOCKERFILE), args)),
});

// Each Dockerfile once per set of build arguments it is built with.
const images = new Map();
for (const b of builds) images.set(`${b.dockerfile} ${JSON.stringify(b.args)}`, b);
let checked = 0;
for (const { dockerfile, args } of images.values()) {
  const label =
    Object.keys(args).length > 0 ? `${dockerfile} (${JSON.stringify(args)})` : dockerfile;
  if (!existsSync(join(root, dockerfile))) {
    problems.push(`${dockerfile}: missing`);
    continue;
  }
  checked++;
  for (const p of dockerfileProblems(read(dockerfile), args)) problems.push(`${label}: ${p}`);
}
for (const dockerfile of new Set(builds.map((b) => b.dockerfile))) {
  const ignoreFiles = [`${dockerfile}.dockerignore`, '.dockerignore'].filter((f) =>
    existsSync(join(root, f)),
  );
  if (!ignoreFiles.some((f) => ignoresNodeModules(read(f)))) {
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
const shared = builds.filter((b) => b.dockerfile === SERVICE_DOCKERFILE).map((b) => b.service);
console.log(
  `check-dockerfiles: ok — ${checked} images (${shared.length} services from ${SERVICE_DOCKERFILE}: ${shared.join(', ')}; the others from their own Dockerfile): multi-stage, node:24, production dependencies only, the libs each references, non-root, HEALTHCHECK`,
);
