#!/usr/bin/env node
// Proves each service's production image would start, without a Docker engine, by following the
// Dockerfile docker-compose.yml builds it from (deploy/docker/service.Dockerfile with the build
// arguments of its entry, or the console's services/console/Dockerfile) as far as it can be
// followed here:
//   build stage   its output is the workspace's own build (`npx nx run-many -t build` must have
//                 run: the same `tsc -b`); a missing output fails clearly; a folder it only makes
//                 (`mkdir -p`) is made empty;
//   deps stage    its `npm ci --omit=dev …` runs (plus --prefer-offline) in a staging folder
//                 holding what the manifests stage collects (root package.json, lockfile and every
//                 workspace package.json);
//   runtime stage a temporary folder gets exactly what its COPY lines copy; the CMD starts from
//                 its WORKDIR with its ENV plus the service's docker-compose.yml environment on the
//                 loopback Postgres/Redis/Kafka (a fresh database, random secrets, the run's
//                 Ed25519 pairs for the service-token and customer-token keys — one per signer and
//                 one identity provider, so signers and verifiers agree —, its own consumer
//                 groups, a loopback OTLP sink as the collector, a free port); its HEALTHCHECK
//                 command runs until it passes (60 s bound); /health/live must answer 200; SIGTERM
//                 must end the process with exit code 0 within Compose's stop_grace_period.
// Runs as the current user: USER and --chown need Docker. Logs: reports/logs/prod-start/<name>.log.
// Usage: node scripts/deploy/check-prod-start.mjs [service …] [--concurrency=N] [--keep]
// Needs Node 24, the infrastructure (`npm run infra:up`) and the build. Exit code 1 on any failure.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { environmentOf } from './lib/compose-model.mjs';
import { composeImages } from './lib/compose-rules.mjs';
import { baseImage, isNode24, parseStages } from './lib/dockerfile.mjs';
import { infraClients, infraEndpoints } from './lib/prod-start-infra.mjs';
import { ed25519KeyPair } from '../lib/dev-credentials.mjs';
import { IDENTITY_PROVIDER, loopbackResolver, startEnvironment } from './lib/prod-start-env.mjs';
import { durationMs, planRuntime } from './lib/prod-start-plan.mjs';
import {
  CmdProcess,
  configFacts,
  freePort,
  otlpSink,
  waitForHealthcheck,
} from './lib/prod-start-process.mjs';
import { buildRuntimeTree, readWorkspaces } from './lib/prod-start-tree.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// kafkajs (the admin client placing consumer groups) trips Node 24's TimeoutNegativeWarning; it
// says nothing about the services, so it is kept out of their results.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'TimeoutNegativeWarning') console.warn(`${w.name}: ${w.message}`);
});

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const concurrency = Number(/--concurrency=(\d+)/.exec(args.join(' '))?.[1] ?? 2);
const READY_BOUND_MS = 60_000;
const LOG_LINES = 30;
const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const composeServices = compose.services ?? {};
const infra = infraEndpoints();
const clients = infraClients(root, infra);
const resolve = loopbackResolver(composeServices, infra);
const workspaces = readWorkspaces(root);
const logDir = join(root, 'reports', 'logs', 'prod-start');

// Cleanups of the services in progress, run on Ctrl-C / SIGTERM too: no database, consumer
// group, temporary tree or service process is left behind.
const pending = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`check-prod-start: ${signal}, cleaning up`);
    const cleaned = Promise.allSettled([...pending].map((run) => run()));
    const bounded = new Promise((resolve) => setTimeout(resolve, 20_000).unref());
    void Promise.race([cleaned, bounded]).then(() => process.exit(130));
  });
}

class Failure extends Error {}
function fail(message, lines = []) {
  throw Object.assign(new Failure(message), { lines });
}
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const secs = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** This run's Ed25519 key pairs (base64 DER), one per owner: a service, or the identity provider. */
const keyPairs = new Map();
function keyPairOf(owner) {
  if (!keyPairs.has(owner)) {
    keyPairs.set(owner, ed25519KeyPair());
  }
  return keyPairs.get(owner);
}

let customerTokens;
/**
 * Tokens of two customers signed by this run's identity provider (the platform's own issuer, from
 * the build), for a schema that lists customers' tokens (the console's CONSOLE_CUSTOMER_TOKENS).
 */
async function customerTokensOfRun() {
  if (!customerTokens) {
    const { CustomerTokenIssuer } = createRequire(import.meta.url)(
      join(root, 'libs', 'platform', 'dist', 'index.js'),
    );
    const issuer = CustomerTokenIssuer.fromKeyPair(keyPairOf(IDENTITY_PROVIDER));
    customerTokens = [];
    for (const id of ['prodstart-customer-1', 'prodstart-customer-2'])
      customerTokens.push(await issuer.issue(id, 3_600));
  }
  return customerTokens;
}

/** The start's environment, and what it owns on the infrastructure (cleaned up afterwards). */
async function environmentFor(name, dockerfile, plan, cwd, cleanups) {
  const composeService = composeServices[images.get(name).composeName];
  let config;
  try {
    config = await configFacts(cwd);
  } catch (e) {
    fail(`${dockerfile}: ${e.message}`);
  }
  const composeEnv = environmentOf(composeService);
  const database =
    'DATABASE_URL' in composeEnv ? `rc_prodstart_${name.replace(/\W/g, '_')}_${runId}` : undefined;
  const sink = await otlpSink();
  cleanups.push(() => sink.close());
  const { env, notes } = startEnvironment({
    imageEnv: plan.env,
    composeEnv,
    resolve,
    schemaKeys: config.keys,
    secrets: config.secrets,
    database,
    groupSuffix: `prodstart-${runId}`,
    port: await freePort(),
    randomSecret: () => randomBytes(24).toString('hex'),
    keyPairOf,
    customerTokens: [...config.keys].some((k) => /CUSTOMER_TOKENS$/.test(k))
      ? await customerTokensOfRun()
      : undefined,
    otlpEndpoint: sink.url,
  });
  if (database) {
    // Owned by the role of the Compose DATABASE_URL, as its database is in Compose: a service
    // connecting as its own role migrates only a database that role owns.
    await clients.createDatabase(database, decodeURIComponent(new URL(env.DATABASE_URL).username));
    cleanups.push(() => clients.dropDatabase(database));
  }
  for (const key of Object.keys(env).filter((k) => /CONSUMER_GROUP$/.test(k))) {
    await clients.placeGroupAtEnd(env[key]);
    cleanups.push(() => clients.deleteGroup(env[key]).catch(() => undefined));
  }
  const stopBoundMs = durationMs(composeService.stop_grace_period, 10_000);
  return { env, notes, stopBoundMs };
}

/** One service, each step printed as `[name] …` once done; throws a Failure. */
async function checkService(name, say) {
  const { dockerfile, buildArgs } = images.get(name);
  const text = readFileSync(join(root, dockerfile), 'utf8');
  const plan = planRuntime(text, buildArgs);
  if (plan.problems.length > 0) fail(`${dockerfile}: ${plan.problems.join('; ')}`);
  const stages = parseStages(text, buildArgs);
  const image = baseImage(stages, stages.at(-1));
  if (isNode24(image) && process.versions.node.split('.')[0] !== '24') {
    fail(`the image runs ${image}; this is Node ${process.version} (source scripts/node-env.sh)`);
  }
  const work = mkdtempSync(join(tmpdir(), `prod-start-${name}-`));
  const cleanups = [
    () => (keep ? say(`kept ${work}`) : rm(work, { recursive: true, force: true })),
  ];
  const cleanUp = async () => {
    pending.delete(cleanUp);
    const t = Date.now();
    for (const cleanup of cleanups.reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch((e) => say(`cleanup: ${e.message}`));
    }
    say(`cleaned up (${secs(t)})`);
  };
  pending.add(cleanUp);
  try {
    let t = Date.now();
    const built = await buildRuntimeTree({
      root,
      plan,
      workspaces,
      serviceDir: `services/${name}`,
      work,
    });
    if (!built.ok) fail(built.problems.join('\n  '), built.tail);
    say(`deps stage: ${built.install}; runtime tree: ${built.copied} COPY sources (${secs(t)})`);
    say(
      `build output: the workspace build, as the build stage's ${plan.buildCommands.join(' && ')}`,
    );

    const { env, notes, stopBoundMs } = await environmentFor(
      name,
      dockerfile,
      plan,
      built.cwd,
      cleanups,
    );
    for (const note of notes) say(`env: ${note}`);
    const home = join(work, 'home');
    mkdirSync(home);
    // Nothing else of this shell's environment: the image has none of it.
    const processEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...env };
    mkdirSync(logDir, { recursive: true });
    const logFile = join(logDir, `${name}.log`);
    const proc = new CmdProcess({ argv: plan.cmd, cwd: built.cwd, env: processEnv, logFile });
    t = Date.now();
    cleanups.push(() => (proc.running ? proc.stop('SIGKILL', 5_000) : undefined));
    say(
      `CMD ${JSON.stringify(plan.cmd)} in ${plan.workdir} as ${userInfo().username}, not the image's USER ${plan.user ?? 'root'} (switching users needs Docker)`,
    );

    const waited = await waitForHealthcheck(proc, plan.health, {
      cwd: built.cwd,
      env: processEnv,
      boundMs: READY_BOUND_MS,
    });
    const log = `log ${relative(root, logFile)}`;
    if (waited.outcome === 'exited') {
      const { code, signal } = await proc.stop('SIGTERM', 0);
      fail(`the CMD exited during start-up (${code ?? signal}); ${log}`, proc.lastLines(LOG_LINES));
    }
    if (waited.outcome === 'timeout') {
      fail(
        `HEALTHCHECK still failing after ${READY_BOUND_MS / 1000} s (${waited.probes} probes); ${log}`,
        proc.lastLines(LOG_LINES),
      );
    }
    say(
      `HEALTHCHECK passed ${secs(t)} after the start (${waited.probes} probes, 1 s apart; the image waits ${plan.health.intervalMs / 1000} s)`,
    );
    const live = await fetch(`http://127.0.0.1:${env.PORT}/health/live`, {
      signal: AbortSignal.timeout(3000),
    }).catch((e) => e);
    if (!(live instanceof Response) || live.status !== 200) {
      fail(
        `GET /health/live: ${live instanceof Response ? live.status : live.message}`,
        proc.lastLines(LOG_LINES),
      );
    }

    // SIGTERM, as `docker stop` sends it, within Compose's stop_grace_period.
    const stop = await proc.stop('SIGTERM', stopBoundMs);
    if (stop.killed || stop.code !== 0) {
      const how = stop.killed
        ? `still running after ${stopBoundMs / 1000} s (killed)`
        : `exit ${stop.code ?? stop.signal}`;
      fail(`after SIGTERM: ${how}; ${log}`, proc.lastLines(LOG_LINES));
    }
    say(
      `/health/live 200; SIGTERM → exit code 0 in ${(stop.ms / 1000).toFixed(1)} s (bound ${stopBoundMs / 1000} s)`,
    );
  } finally {
    if (pending.has(cleanUp)) await cleanUp();
  }
}

// Each workspace service docker-compose.yml builds: its Dockerfile and build arguments.
const images = new Map(
  composeImages(compose).map((b) => [b.service, { ...b, composeName: b.entry, buildArgs: b.args }]),
);
const all = [...images.keys()].sort();
const chosen = args.filter((a) => !a.startsWith('--'));
const services = chosen.length > 0 ? chosen : all;
const unbuilt = services.filter((s) => !images.has(s));
if (unbuilt.length > 0) {
  console.error(
    `check-prod-start: FAILED — no service of docker-compose.yml builds ${unbuilt.join(', ')}`,
  );
  process.exit(1);
}
const started = Date.now();
const down = await clients.unreachable();
if (down.length > 0) {
  console.error(
    `check-prod-start: FAILED — not reachable (run \`npm run infra:up\`):\n  - ${down.join('\n  - ')}`,
  );
  process.exit(1);
}
console.log(
  `check-prod-start: ${plural(services.length, 'service')}, ${concurrency} at a time, Node ${process.version} as ${userInfo().username}; logs in ${relative(root, logDir)}/`,
);
const failed = [];
const queue = [...services];
async function worker() {
  for (let name = queue.shift(); name; name = queue.shift()) {
    const t = Date.now();
    const say = (line) => console.log(`[${name}] ${line}`);
    try {
      await checkService(name, say);
      say(`ok (${secs(t)})`);
    } catch (e) {
      failed.push(name);
      console.error(`[${name}] FAILED: ${e instanceof Failure ? e.message : e.stack}`);
      for (const line of e.lines ?? []) console.error(`[${name}] | ${line}`);
    }
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, services.length) }, worker));
if (failed.length > 0) {
  console.error(
    `check-prod-start: FAILED — ${failed.length} of ${plural(services.length, 'service')}: ${failed.sort().join(', ')} (${secs(started)})`,
  );
  process.exit(1);
}
console.log(
  `check-prod-start: ok — ${plural(services.length, 'service')} started from their Dockerfile's runtime tree with production dependencies only: HEALTHCHECK passed, /health/live 200, SIGTERM → exit 0 (${secs(started)})`,
);
