#!/usr/bin/env node
// `npm start`: runs the whole platform on this machine. Infrastructure up (Postgres, Redis,
// Kafka), every project built, then the six services started as processes in dependency order
// (each applies its own migrations; inventory loads its seed catalogue when empty), then the
// console (storefront + control room, tier 4: nothing depends on it, so it is not one of the
// PLATFORM_SERVICES). Prints the URLs; Ctrl-C (SIGINT) stops every service gracefully, in
// reverse order.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDevCredentials } from '../lib/dev-credentials.mjs';

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
const {
  PLATFORM_SERVICES,
  ServiceProcess,
  nicenessOf,
  TIER_NICENESS,
  customerTokenEnv,
  serviceTokenEnv,
  testServiceKeyPair,
} = createRequire(import.meta.url)(join(root, 'libs/testing/dist/index.js'));
// The service-token key pairs of the two callers, fresh for every run: checkout signs for
// inventory and payment, inventory for its order reads at checkout. Kept for this run in the
// git-ignored .dev/service-token.env (owner only), so `node scripts/service-token.mjs
// <inventory|payment|checkout>` can sign a token for curl.
const checkoutKey = testServiceKeyPair();
const inventoryKey = testServiceKeyPair();
const serviceTokens = serviceTokenEnv(checkoutKey, inventoryKey);
mkdirSync(join(root, '.dev'), { recursive: true });
writeFileSync(
  join(root, '.dev', 'service-token.env'),
  `CHECKOUT_SERVICE_TOKEN_KEY=${checkoutKey.privateKey}\nINVENTORY_SERVICE_TOKEN_KEY=${inventoryKey.privateKey}\n`,
  { mode: 0o600 },
);
console.log('[start] service-token key pairs of this run: .dev/service-token.env');
// Customers and the admin token: random on the first run, then kept in .dev/ (git-ignored).
const identity = await ensureDevCredentials(root);
const customerTokens = customerTokenEnv(identity.identity.publicKey);
console.log(
  `[start] ${identity.created ? 'new ' : ''}development credentials (${identity.credentials.customers.length} customers with their bearer tokens, the admin token): ${relative(root, identity.file)}`,
);
const running = [];
/** The console's port (docs/ARCHITECTURE.md: console on 3006). */
const CONSOLE_PORT = 3006;
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
      // A development platform: the control room's presets burn CPU and crash processes.
      env: {
        ALLOW_DESTRUCTIVE_FAULTS: 'true',
        ADMIN_TOKEN: identity.credentials.adminToken,
        ...serviceTokens[service.name],
        ...customerTokens[service.name],
      },
      echo: true,
      readyTimeoutMs: 60_000,
      // Lower tiers at a lower CPU priority, the edge (checkout) above its tier: under CPU
      // pressure the door and then tier 1 keep the cores.
      niceness: nicenessOf(service),
    });
    console.log(`[start] starting ${service.name} (tier ${service.tier}) on port ${service.port}`);
    await svc.start();
    running.push(svc);
  }
  // The console last: it reads the others (their /metrics, /health/ready) and calls their APIs
  // at the default ports it is configured with.
  const consoleService = new ServiceProcess({
    name: 'console',
    root,
    port: CONSOLE_PORT,
    echo: true,
    readyTimeoutMs: 30_000,
    niceness: TIER_NICENESS[4],
  });
  console.log(`[start] starting console (tier 4) on port ${CONSOLE_PORT}`);
  await consoleService.start();
  running.push(consoleService);
} catch (e) {
  console.error(`[start] ${e instanceof Error ? e.message : String(e)}`);
  await stopAll(1);
}

console.log('\n[start] the platform is up:');
for (const service of PLATFORM_SERVICES) {
  const url = `http://127.0.0.1:${service.port}`;
  console.log(`  ${service.name.padEnd(16)} ${url}   (docs ${url}/docs, metrics ${url}/metrics)`);
}
console.log(
  `  admin APIs (/admin/*) on each service's port + 1000, loopback only: http://127.0.0.1:4000 … 4005`,
);
console.log(
  `  ${'console'.padEnd(16)} http://127.0.0.1:${CONSOLE_PORT}   (storefront; control room at /control)`,
);
console.log(
  `[start] sign in as a customer: Authorization: Bearer <token> from ${relative(root, identity.file)} (the README's curl tour reads it)`,
);
console.log('[start] logs also go to reports/logs/<service>.log; press Ctrl-C to stop everything');
