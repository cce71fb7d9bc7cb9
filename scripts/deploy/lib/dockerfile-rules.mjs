// What every service image must be, checked statically from its Dockerfile:
// multi-stage, on node:24, production dependencies only in the runtime stage, a non-root user,
// and a HEALTHCHECK; and that the backend services are all built from the one shared
// Dockerfile, which copies exactly the libs each references. Used by ../check-dockerfiles.mjs;
// unit-tested in ../test/.
import { baseImage, findStage, isNode24, parseStages } from './dockerfile.mjs';

const NPM_INSTALL = /\bnpm\s+(?:ci|install|i)\b/;
export const PROD_ONLY =
  /--omit[= ]dev\b|--only[= ]prod(?:uction)?\b|--production\b|\bNODE_ENV=production\b/;
const NPM_PRUNE_PROD = /\bnpm\s+prune\b[^&;|]*(?:--omit[= ]dev|--production)/;

/** Each npm install command of a RUN instruction (split on && ; |). */
export function npmInstalls(run) {
  return run.split(/&&|;|\|\|/).filter((cmd) => NPM_INSTALL.test(cmd));
}

/** Whether the stage (or a stage it is built FROM) installed devDependencies that it kept. */
function hasDevDependencies(stages, stage, seen = new Set()) {
  if (seen.has(stage.index)) return false;
  seen.add(stage.index);
  const parent = findStage(stages.slice(0, stage.index), stage.from);
  let dev = parent ? hasDevDependencies(stages, parent, seen) : false;
  for (const ins of stage.instructions) {
    if (ins.keyword !== 'RUN') continue;
    for (const cmd of npmInstalls(ins.args)) dev = dev || !PROD_ONLY.test(cmd);
    if (NPM_PRUNE_PROD.test(ins.args)) dev = false;
  }
  return dev;
}

/** The WORKDIR in effect at the end of a stage ('/' when none is set). */
function workdir(stage) {
  const dirs = stage.instructions.filter((i) => i.keyword === 'WORKDIR').map((i) => i.args.trim());
  return dirs.at(-1) ?? '/';
}

/** Source paths and the --from of a COPY instruction. */
function copySources(ins) {
  const words = ins.args.split(/\s+/);
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((w) => !w.startsWith('--'));
  return { from, sources: paths.slice(0, -1) };
}

/** Whether copying `source` from a stage whose workdir is `dir` carries its node_modules. */
function carriesNodeModules(source, dir) {
  const s = source.replace(/\/+$/, '') || '/';
  if (/(^|\/)node_modules(\/|$)/.test(s)) return true;
  if (s === '.' || s === '/' || s === dir) return true;
  return dir.startsWith(`${s}/`);
}

/**
 * Problems of one service Dockerfile (an empty list when it passes).
 * @param {string} text the Dockerfile
 * @param {Record<string, string>} [buildArgs] its build arguments (Compose `build.args`)
 * @returns {string[]}
 */
export function dockerfileProblems(text, buildArgs = {}) {
  const problems = [];
  const stages = parseStages(text, buildArgs);
  if (stages.length < 2) problems.push(`not multi-stage (${stages.length} FROM)`);
  const runtime = stages.at(-1);
  if (!runtime) return ['no FROM instruction'];

  const runtimeBase = baseImage(stages, runtime);
  if (!isNode24(runtimeBase))
    problems.push(`runtime stage is based on "${runtimeBase}", not node:24`);
  for (const stage of stages) {
    const base = baseImage(stages, stage);
    if (base !== runtimeBase && !isNode24(base)) {
      problems.push(`stage ${stage.name ?? stage.index} is based on "${base}", not node:24`);
    }
  }

  // Production dependencies only: nothing in the runtime stage installs devDependencies, and no
  // node_modules is copied in from a stage that has them.
  if (hasDevDependencies(stages, runtime)) {
    problems.push('the runtime stage installs devDependencies (use npm ci --omit=dev)');
  }
  let nodeModules = hasDevDependencies(stages, runtime) ? 'dev' : 'none';
  for (const ins of runtime.instructions) {
    if (ins.keyword === 'RUN' && npmInstalls(ins.args).length > 0) nodeModules = 'prod';
    if (ins.keyword !== 'COPY') continue;
    const { from, sources } = copySources(ins);
    const source = from === undefined ? undefined : findStage(stages, from);
    if (!source) continue;
    const dir = workdir(source);
    for (const path of sources.filter((p) => carriesNodeModules(p, dir))) {
      if (hasDevDependencies(stages, source)) {
        problems.push(
          `line ${ins.line}: copies ${path} from stage ${from}, which installed devDependencies`,
        );
      } else if (nodeModules === 'none') nodeModules = 'prod';
    }
  }
  if (nodeModules === 'none') {
    problems.push('the runtime stage gets no node_modules (no production install found)');
  }

  const users = runtime.instructions.filter((i) => i.keyword === 'USER');
  const user = users.at(-1)?.args.trim().split(':')[0];
  if (!user) problems.push('the runtime stage runs as root (no USER)');
  else if (user === 'root' || user === '0') problems.push(`the runtime stage runs as ${user}`);

  const health = runtime.instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1);
  if (!health) problems.push('no HEALTHCHECK in the runtime stage');
  else if (/^NONE\b/i.test(health.args.trim())) problems.push('HEALTHCHECK NONE');
  else if (!/\bCMD\b/.test(health.args)) problems.push('HEALTHCHECK without CMD');
  return problems;
}

/** The HEALTHCHECK command of a Dockerfile's final stage, if it has one. */
export function runtimeHealthcheck(text) {
  const health = parseStages(text)
    .at(-1)
    ?.instructions.filter((i) => i.keyword === 'HEALTHCHECK')
    .at(-1);
  return health && !/^NONE\b/i.test(health.args.trim()) ? health.args : undefined;
}

/** The workspace libs whose build output (`…/libs/<lib>/dist`) the runtime stage copies. */
export function copiedLibs(stages) {
  const libs = new Set();
  for (const ins of stages.at(-1)?.instructions ?? []) {
    if (ins.keyword !== 'COPY') continue;
    for (const source of copySources(ins).sources) {
      const m = /(?:^|\/)libs\/([^/]+)\/dist\/?$/.exec(source);
      if (m) libs.add(m[1]);
    }
  }
  return [...libs].sort();
}

/**
 * Problems of the services' images as a whole: every backend service is built by
 * docker-compose.yml from the one shared Dockerfile (build argument SERVICE naming its folder),
 * no backend service keeps a Dockerfile of its own (only those in `ownDockerfileAllowed` may), and
 * the shared Dockerfile's runtime stage copies exactly the libs each service references.
 * @param {{services: string[], ownDockerfiles: string[], ownDockerfileAllowed: Record<string, string>,
 *   builds: {entry: string, service?: string, dockerfile: string, args: Record<string, string>, port?: string}[],
 *   sharedDockerfile: string, libsOf: (service: string) => string[] | undefined,
 *   copiedLibsOf: (args: Record<string, string>) => string[]}} input `services`: the folders under
 *   services/ with a package.json; `builds`: docker-compose.yml entries that build a workspace
 *   service; `libsOf`: the libs a service's tsconfig.build.json references (with theirs)
 * @returns {string[]}
 */
export function serviceImageProblems(input) {
  const { services, ownDockerfiles, ownDockerfileAllowed, builds, sharedDockerfile } = input;
  const problems = [];
  for (const service of services) {
    const own = ownDockerfiles.includes(service);
    if (own && !(service in ownDockerfileAllowed)) {
      problems.push(
        `services/${service}/Dockerfile: a backend service is built from ${sharedDockerfile} (build argument SERVICE=${service}); remove its own Dockerfile`,
      );
    }
    const built = builds.filter((b) => b.service === service);
    if (built.length === 0) {
      problems.push(
        own
          ? `services/${service}: no service of docker-compose.yml builds it from services/${service}/Dockerfile`
          : `services/${service}: no service of docker-compose.yml builds it (build: { context: ., dockerfile: ${sharedDockerfile}, args: { SERVICE: ${service} } })`,
      );
    }
    for (const b of built.filter((x) => !own && x.dockerfile !== sharedDockerfile)) {
      problems.push(
        `services.${b.entry}: builds services/${service} from ${b.dockerfile}, not from ${sharedDockerfile}`,
      );
    }
  }
  for (const b of builds.filter((x) => x.dockerfile === sharedDockerfile)) {
    const where = `services.${b.entry}`;
    if (!b.service || !services.includes(b.service)) {
      problems.push(
        `${where}: build argument SERVICE=${b.service ?? ''} names no folder under services/ with a package.json`,
      );
      continue;
    }
    if (b.port !== undefined && b.args.PORT !== undefined && String(b.args.PORT) !== b.port) {
      problems.push(`${where}: build argument PORT=${b.args.PORT} differs from its PORT ${b.port}`);
    }
    const wanted = input.libsOf(b.service);
    if (!wanted) {
      problems.push(`${where}: services/${b.service}/tsconfig.build.json is missing or unreadable`);
      continue;
    }
    const copied = input.copiedLibsOf(b.args);
    const missing = wanted.filter((l) => !copied.includes(l));
    const extra = copied.filter((l) => !wanted.includes(l));
    if (missing.length > 0) {
      problems.push(
        `${where}: ${sharedDockerfile} does not copy libs/${missing.join(', libs/')}, which services/${b.service} references`,
      );
    }
    if (extra.length > 0) {
      problems.push(
        `${where}: ${sharedDockerfile} copies libs/${extra.join(', libs/')}, which services/${b.service} does not reference (no dist/ in its build stage)`,
      );
    }
  }
  return problems;
}
