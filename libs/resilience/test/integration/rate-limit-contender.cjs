// Child process of rate-limiter.int-spec.ts: a second OS process contending for the same Redis
// token bucket through the same RateLimiter code (TypeScript sources compiled on load by swc).
// Protocol: prints "ready" once connected, waits for "go" on stdin, fires N concurrent
// consume() calls, prints one JSON line {allowed, denied, sources, counted} and exits: allowed
// and denied each counted from the limiter's answers, counted = its decisions metric by decision.
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

const { Redis } = require('ioredis');
const { Registry } = require('prom-client');
const { RateLimiter } = require('../../src/rate-limit/index.ts');

const [redisUrl, route, client, count, limit, windowMs] = process.argv.slice(2);

async function main() {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  await redis.ping();
  const registry = new Registry();
  const limiter = new RateLimiter({
    redis,
    routes: {
      [route]: { limit: Number(limit), windowMs: Number(windowMs), fallback: 'fail-closed' },
    },
    redisTimeoutMs: 5000,
    registry,
  });
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const decisions = await Promise.all(
    Array.from({ length: Number(count) }, () => limiter.consume(route, client)),
  );
  const allowed = decisions.filter((d) => d.allowed === true).length;
  const denied = decisions.filter((d) => d.allowed === false).length;
  const sources = [...new Set(decisions.map((d) => d.source))];
  const counted = { allowed: 0, denied: 0 };
  const metric = registry.getSingleMetric('resilience_rate_limit_decisions_total');
  for (const v of (await metric.get()).values) counted[v.labels.decision] += v.value;
  process.stdout.write(`${JSON.stringify({ allowed, denied, sources, counted })}\n`);
  redis.disconnect();
}

main().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
