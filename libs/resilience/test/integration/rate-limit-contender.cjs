// Child process of rate-limiter.int-spec.ts: a second OS process contending for the same Redis
// token bucket through the same RateLimiter code (TypeScript sources compiled on load by swc).
// Protocol: prints "ready" once connected, waits for "go" on stdin, fires N concurrent
// consume() calls, prints one JSON line {allowed, denied, sources} and exits.
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
  const limiter = new RateLimiter({
    redis,
    routes: {
      [route]: { limit: Number(limit), windowMs: Number(windowMs), fallback: 'fail-closed' },
    },
    redisTimeoutMs: 5000,
    registry: new Registry(),
  });
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const decisions = await Promise.all(
    Array.from({ length: Number(count) }, () => limiter.consume(route, client)),
  );
  const allowed = decisions.filter((d) => d.allowed).length;
  const sources = [...new Set(decisions.map((d) => d.source))];
  process.stdout.write(
    `${JSON.stringify({ allowed, denied: decisions.length - allowed, sources })}\n`,
  );
  redis.disconnect();
}

main().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
