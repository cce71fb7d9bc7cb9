#!/usr/bin/env node
// `npm start`: runs the whole platform on this machine. Infrastructure up (Postgres, Redis,
// Kafka), every project built, then the six services started as processes in dependency order
// (each applies its own migrations; inventory loads its seed catalogue when empty). Prints the
// URLs; Ctrl-C (SIGINT) stops every service gracefully, in reverse order.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
process.chdir(root);
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };

function step(title, cmd, args) {
  console.log(`[start] ${title}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`[start] failed: ${cmd} ${args.join(' ')}`);
    process.exit(r.status ?? 1);
  }
}

step('infrastructure', 'bash', ['scripts/infra/infra.sh', 'up']);
step('building services and libs', 'npx', ['nx', 'run-many', '-t', 'build', '--parallel=2']);

// The process harness and service table live in @rc/testing (built above).
const { PLATFORM_SERVICES, ServiceProcess, TIER_NICENESS } = createRequire(import.meta.url)(
  join(root, 'libs/testing/dist/index.js'),
);
const running = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  console.log('\n[start] stopping services ...');
  for (const svc of [...running].reverse()) await svc.stop('SIGTERM', 15_000);
  console.log('[start] all services stopped');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  for (const service of PLATFORM_SERVICES) {
    const svc = new ServiceProcess({
      name: service.name,
      root,
      port: service.port,
      echo: true,
      readyTimeoutMs: 60_000,
      // Lower tiers at a lower CPU priority: under CPU pressure tier 1 keeps the cores.
      niceness: TIER_NICENESS[service.tier],
    });
    console.log(`[start] starting ${service.name} (tier ${service.tier}) on port ${service.port}`);
    await svc.start();
    running.push(svc);
  }
} catch (e) {
  console.error(`[start] ${e instanceof Error ? e.message : String(e)}`);
  await stopAll(1);
}

console.log('\n[start] the platform is up:');
for (const service of PLATFORM_SERVICES) {
  const url = `http://127.0.0.1:${service.port}`;
  console.log(`  ${service.name.padEnd(16)} ${url}   (docs ${url}/docs, metrics ${url}/metrics)`);
}
console.log('[start] logs also go to reports/logs/<service>.log; press Ctrl-C to stop everything');
