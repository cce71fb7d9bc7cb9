import { requireRedis, testEnv, uniqueName, closedPort, metricValue } from '@rc/testing';
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { RateLimiter, type RateLimitFallback } from '../../src/rate-limit';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RateLimiter against Redis', () => {
  let redis: Redis;
  const prefix = uniqueName('rl-it');

  beforeAll(async () => {
    await requireRedis();
    redis = new Redis(testEnv().redisUrl, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const limiter = (limit: number, windowMs: number, route = 'orders') =>
    new RateLimiter({
      redis,
      routes: { [route]: { limit, windowMs, fallback: 'fail-closed' } },
      keyPrefix: prefix,
      redisTimeoutMs: 2000,
      registry: new Registry(),
    });

  it('when a client bursts, then the script allows exactly the limit and reports remaining, reset and retry-after', async () => {
    // Arrange: 5 per 10 s -> one token per 2 s
    const rl = limiter(5, 10_000);
    const client = uniqueName('burst');

    // Act
    const decisions = [];
    for (let i = 0; i < 6; i++) decisions.push(await rl.consume('orders', client));

    // Assert
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
    expect(decisions.every((d) => d.source === 'redis')).toBe(true);
    const refused = decisions[5]!;
    expect(refused.retryAfterMs).toBeGreaterThan(1500);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(2000);
    expect(refused.resetMs).toBeGreaterThan(9000);
    expect(refused.resetMs).toBeLessThanOrEqual(10_000);
  });

  it('when the bucket is used, then its key expires once it would be full again', async () => {
    // Arrange
    const rl = limiter(2, 2000);
    const client = uniqueName('ttl');

    // Act
    await rl.consume('orders', client);
    const ttl = await redis.pttl(`${prefix}:orders:${client}`);

    // Assert: one token spent refills in 1000 ms
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
  });

  it('when time passes on the Redis server, then tokens come back at limit/window', async () => {
    // Arrange: 10 per second -> one token per 100 ms
    const rl = limiter(10, 1000);
    const client = uniqueName('refill');
    for (let i = 0; i < 10; i++) await rl.consume('orders', client);
    const empty = await rl.consume('orders', client);

    // Act
    await sleep(350);
    const refilled = await rl.consume('orders', client);

    // Assert
    expect(empty.allowed).toBe(false);
    expect(refilled.allowed).toBe(true);
    expect(refilled.remaining).toBeGreaterThanOrEqual(1);
    expect(refilled.remaining).toBeLessThanOrEqual(4);
  });

  it('when two OS processes hammer one bucket concurrently, then together they never get more than the limit', async () => {
    // Arrange: a 1 h window, so no token refills during the test
    const limit = 50;
    const perProcess = 120;
    const client = uniqueName('contended');
    const route = `${prefix.replace(/:/g, '_')}-atomic`;
    const registry = new Registry();
    const rl = new RateLimiter({
      redis,
      routes: { [route]: { limit, windowMs: 3_600_000, fallback: 'fail-closed' } },
      redisTimeoutMs: 5000,
      registry,
    });
    const child = spawn(
      process.execPath,
      [
        join(__dirname, 'rate-limit-contender.cjs'),
        testEnv().redisUrl,
        route,
        client,
        String(perProcess),
        String(limit),
        '3600000',
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const exited = new Promise((r) => child.once('exit', r));
    const reader = createInterface({ input: child.stdout });
    const lines = reader[Symbol.asyncIterator]();
    try {
      expect((await lines.next()).value).toBe('ready');

      // Act: both processes fire at once
      child.stdin.write('go\n');
      const [mine, theirs] = await Promise.all([
        Promise.all(Array.from({ length: perProcess }, () => rl.consume(route, client))),
        lines.next().then(
          (l) =>
            JSON.parse(String(l.value)) as {
              allowed: number;
              denied: number;
              sources: string[];
              counted: { allowed: number; denied: number };
            },
        ),
      ]);

      // Assert: allowed and denied each counted on their own (answers and metric), so a
      // request lost, answered twice or miscounted shows up in the totals
      const allowedHere = mine.filter((d) => d.allowed === true).length;
      const deniedHere = mine.filter((d) => d.allowed === false).length;
      const decisions = 'resilience_rate_limit_decisions_total';
      expect(theirs.sources).toEqual(['redis']);
      expect(mine.every((d) => d.source === 'redis')).toBe(true);
      expect(allowedHere + theirs.allowed).toBe(limit);
      expect(deniedHere + theirs.denied).toBe(2 * perProcess - limit);
      expect(theirs.counted).toEqual({ allowed: theirs.allowed, denied: theirs.denied });
      expect({
        allowed: await metricValue(registry, decisions, { decision: 'allowed' }),
        denied: await metricValue(registry, decisions, { decision: 'denied' }),
      }).toEqual({ allowed: allowedHere, denied: deniedHere });
    } finally {
      reader.close();
      child.stdin.end();
      child.kill();
      await exited;
      await redis.del(`rl:${route}:${client}`);
    }
  });

  it('when a client with a large quota bursts concurrently, then leases make few Redis calls and never admit more than the quota', async () => {
    // Arrange: 1 000 per hour (no refill during the test), 1 % = 10 tokens per lease, in two
    // limiter instances (two processes of one service) sharing the bucket
    const route = 'leased';
    const client = uniqueName('leased');
    const make = () =>
      new RateLimiter({
        redis,
        routes: { [route]: { limit: 1000, windowMs: 3_600_000, fallback: 'fail-closed' } },
        keyPrefix: prefix,
        redisTimeoutMs: 2000,
        registry: new Registry(),
      });
    const [a, b] = [make(), make()];
    const commands = () =>
      redis
        .info('commandstats')
        .then((s) => Number(/cmdstat_evalsha:calls=(\d+)/.exec(s)?.[1] ?? 0));
    const before = await commands();

    // Act: 1 200 requests, 50 at a time per instance
    let allowed = 0;
    for (let i = 0; i < 12; i++) {
      const batch = await Promise.all(
        Array.from({ length: 100 }, (_, j) => (j % 2 ? a : b).consume(route, client)),
      );
      allowed += batch.filter((d) => d.allowed).length;
    }
    const evalshas = (await commands()) - before;

    // Assert: never more than the quota, and what leases left unspent is bounded by their size
    expect(allowed).toBeLessThanOrEqual(1000);
    expect(allowed).toBeGreaterThanOrEqual(1000 - 2 * 10);
    expect(evalshas).toBeLessThan(300);
  });
});

describe('RateLimiter when Redis is unreachable or slow', () => {
  let blackHole: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and never answers: a Redis that hangs.
    blackHole = createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', r));
  });

  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((r) => blackHole.close(r));
  });

  async function decide(port: number, fallback: RateLimitFallback, calls: number) {
    // disconnectTimeout: ioredis otherwise keeps a 2 s timer for a socket that already failed
    const redis = new Redis({
      host: '127.0.0.1',
      port,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 200,
      disconnectTimeout: 50,
    });
    redis.on('error', () => undefined); // connection errors are the scenario, not a test failure
    const registry = new Registry();
    const rl = new RateLimiter({
      redis,
      routes: { checkout: { limit: 3, windowMs: 60_000, fallback } },
      redisTimeoutMs: 100,
      registry,
    });
    try {
      const started = performance.now();
      const decisions = [];
      for (let i = 0; i < calls; i++) decisions.push(await rl.consume('checkout', 'client-1'));
      const elapsedMs = performance.now() - started;
      const counted = (
        await registry.getSingleMetric('resilience_rate_limit_decisions_total')!.get()
      ).values;
      return { decisions, elapsedMs, counted };
    } finally {
      redis.disconnect();
    }
  }

  it('when Redis refuses connections on a local route, then the in-process bucket enforces the limit and it is counted', async () => {
    // Act
    const { decisions, counted } = await decide(await closedPort(), 'local', 5);

    // Assert
    expect(decisions.map((d) => [d.allowed, d.source])).toEqual([
      [true, 'local'],
      [true, 'local'],
      [true, 'local'],
      [false, 'local'],
      [false, 'local'],
    ]);
    expect(counted.map((v) => [v.labels.decision, v.labels.source, v.value])).toEqual([
      ['allowed', 'local', 3],
      ['denied', 'local', 2],
    ]);
  });

  it('when Redis hangs on a fail-open route, then requests are allowed after one bounded wait', async () => {
    // Act
    const { decisions, elapsedMs } = await decide(
      (blackHole.address() as { port: number }).port,
      'fail-open',
      10,
    );

    // Assert: only the first call waits for the 100 ms timeout; the rest skip Redis while it is down
    expect(decisions.every((d) => d.allowed && d.source === 'fail-open')).toBe(true);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('when Redis refuses connections on a fail-closed route, then requests are refused with a retry hint', async () => {
    // Act
    const { decisions } = await decide(await closedPort(), 'fail-closed', 2);

    // Assert
    expect(decisions.every((d) => !d.allowed && d.source === 'fail-closed')).toBe(true);
    expect(decisions[0]!.retryAfterMs).toBeGreaterThan(0);
  });
});
