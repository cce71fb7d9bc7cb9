import { Registry } from 'prom-client';
import { FakeClock, flushMicrotasks } from '../clock';
import { RateLimiter } from './rate-limiter';
import type { RateLimitPolicy } from './rate-limit.policy';
import type { RedisScriptClient } from './redis-token-bucket';
import { TOKEN_BUCKET_LUA, TOKEN_BUCKET_LUA_SHA } from './token-bucket.lua';

/**
 * A stand-in for the Redis connection that answers the way the test scripts it. The Lua
 * script itself runs against the real Redis in the integration suite.
 */
class ScriptedRedis implements RedisScriptClient {
  status = 'ready';
  mode: 'answer' | 'hang' | 'fail' | 'noscript-once' = 'answer';
  reply: unknown = [1, 9, 1000, 0, 1];
  args: unknown[][] = [];
  calls: string[] = [];

  evalsha(sha: string, _keys: number, ...args: unknown[]): Promise<unknown> {
    this.calls.push(`evalsha:${sha === TOKEN_BUCKET_LUA_SHA ? 'bucket' : sha}`);
    this.args.push(args);
    if (this.mode === 'hang') return new Promise(() => undefined);
    if (this.mode === 'fail') return Promise.reject(new Error('ECONNREFUSED'));
    if (this.mode === 'noscript-once') {
      this.mode = 'answer';
      return Promise.reject(new Error('NOSCRIPT No matching script. Please use EVAL.'));
    }
    return Promise.resolve(this.reply);
  }

  eval(script: string): Promise<unknown> {
    this.calls.push(`eval:${script === TOKEN_BUCKET_LUA ? 'bucket' : 'other'}`);
    return Promise.resolve(this.reply);
  }
}

function setup(policy: Partial<RateLimitPolicy> = {}) {
  const clock = new FakeClock();
  const redis = new ScriptedRedis();
  const registry = new Registry();
  const limiter = new RateLimiter({
    redis,
    routes: { checkout: { limit: 2, windowMs: 1000, ...policy } },
    redisTimeoutMs: 50,
    redisRetryIntervalMs: 1000,
    clock,
    registry,
  });
  const decisions = async () =>
    (await registry.getSingleMetric('resilience_rate_limit_decisions_total')!.get()).values.map(
      (v) => ({ ...v.labels, n: v.value }),
    );
  return { clock, redis, limiter, decisions };
}

/** Starts a consume call that hits a hanging Redis and lets it time out. */
async function consumeThroughTimeout(limiter: RateLimiter, clock: FakeClock) {
  const pending = limiter.consume('checkout', 'client-a');
  await flushMicrotasks();
  await clock.advance(50);
  return pending;
}

describe('RateLimiter', () => {
  it('when Redis answers, then its decision is returned with the policy and counted as source redis', async () => {
    // Arrange
    const { redis, limiter, decisions } = setup();
    redis.reply = [0, 0, 1000, 400, 0];

    // Act
    const decision = await limiter.consume('checkout', 'client-a');

    // Assert
    expect(decision).toEqual({
      route: 'checkout',
      allowed: false,
      limit: 2,
      windowMs: 1000,
      remaining: 0,
      resetMs: 1000,
      retryAfterMs: 400,
      source: 'redis',
    });
    expect(await decisions()).toEqual([
      { route: 'checkout', decision: 'denied', source: 'redis', n: 1 },
    ]);
  });

  it('when a busy client has a large quota, then one Redis call leases tokens that its next requests spend locally', async () => {
    // Arrange: 1 000 per second, so a call may lease 1 % = 10 tokens
    const { redis, limiter, decisions } = setup({ limit: 1000 });
    redis.reply = [1, 990, 10, 0, 10];

    // Act
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await limiter.consume('checkout', 'client-a'));

    // Assert: one script call asking for up to 10; nine answered from the lease
    expect(redis.calls).toEqual(['evalsha:bucket']);
    expect(redis.args[0]).toEqual(['rl:checkout:client-a', 1000, 1000, 1, 10]);
    expect(results.every((d) => d.allowed && d.source === 'redis')).toBe(true);
    expect(results.map((d) => d.remaining)).toEqual([
      999, 998, 997, 996, 995, 994, 993, 992, 991, 990,
    ]);
    expect(await decisions()).toEqual([
      { route: 'checkout', decision: 'allowed', source: 'redis', n: 10 },
    ]);

    // The lease is spent: the next request asks Redis again
    await limiter.consume('checkout', 'client-a');
    expect(redis.calls).toHaveLength(2);
  });

  it('when a busy client sends a burst at once, then the requests wait for one leasing call instead of each leasing', async () => {
    // Arrange
    const { redis, limiter } = setup({ limit: 1000 });
    redis.reply = [1, 990, 10, 0, 10];

    // Act
    const results = await Promise.all(
      Array.from({ length: 10 }, () => limiter.consume('checkout', 'client-a')),
    );

    // Assert
    expect(redis.calls).toEqual(['evalsha:bucket']);
    expect(results.every((d) => d.allowed)).toBe(true);
  });

  it('when the leasing call finds the bucket empty, then the requests waiting for it are refused with it', async () => {
    // Arrange
    const { redis, limiter } = setup({ limit: 1000 });
    redis.reply = [0, 0, 1000, 400, 0];

    // Act
    const results = await Promise.all(
      Array.from({ length: 5 }, () => limiter.consume('checkout', 'client-a')),
    );

    // Assert
    expect(redis.calls).toEqual(['evalsha:bucket']);
    expect(results.map((d) => [d.allowed, d.retryAfterMs])).toEqual(Array(5).fill([false, 400]));
  });

  it('when a lease is older than the window, then it is dropped and Redis decides', async () => {
    // Arrange
    const { clock, redis, limiter } = setup({ limit: 1000 });
    redis.reply = [1, 990, 10, 0, 10];
    await limiter.consume('checkout', 'client-a');

    // Act
    await clock.advance(999);
    await limiter.consume('checkout', 'client-a');
    const withinWindow = redis.calls.length;
    await clock.advance(1);
    await limiter.consume('checkout', 'client-a');

    // Assert
    expect(withinWindow).toBe(1);
    expect(redis.calls).toHaveLength(2);
  });

  it('when the bucket holds fewer tokens than a lease, then the script grants what there is and the lease is not counted twice', async () => {
    // Arrange: Redis took the 3 whole tokens it had (1 for this request, 2 leased)
    const { redis, limiter } = setup({ limit: 1000 });
    redis.reply = [1, 0, 1000, 0, 3];

    // Act
    const [a, b, c] = [
      await limiter.consume('checkout', 'client-a'),
      await limiter.consume('checkout', 'client-a'),
      await limiter.consume('checkout', 'client-a'),
    ];
    redis.reply = [0, 0, 1000, 400, 0];
    const d = await limiter.consume('checkout', 'client-a');

    // Assert
    expect([a, b, c, d].map((x) => [x.allowed, x.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(redis.calls).toHaveLength(2);
  });

  it('when a quota is under 200 or leasing is off, then every request asks Redis for exactly its cost', async () => {
    // Arrange
    const small = setup({ limit: 199 });
    const clock = new FakeClock();
    const redis = new ScriptedRedis();
    redis.reply = [1, 990, 10, 0, 1];
    const off = new RateLimiter({
      redis,
      routes: { checkout: { limit: 1000, windowMs: 1000 } },
      leaseFraction: 0,
      clock,
      registry: new Registry(),
    });

    // Act
    for (let i = 0; i < 3; i++) {
      await small.limiter.consume('checkout', 'client-a');
      await off.consume('checkout', 'client-a');
    }

    // Assert
    expect(small.redis.args.map((a) => a.at(-1))).toEqual([1, 1, 1]);
    expect(redis.args.map((a) => a.at(-1))).toEqual([1, 1, 1]);
  });

  it('when the server lost the script (NOSCRIPT), then it is sent again with EVAL', async () => {
    // Arrange
    const { redis, limiter } = setup();
    redis.mode = 'noscript-once';

    // Act
    const decision = await limiter.consume('checkout', 'client-a');

    // Assert
    expect(decision.source).toBe('redis');
    expect(redis.calls).toEqual(['evalsha:bucket', 'eval:bucket']);
  });

  it('when Redis is slower than the timeout on a local-fallback route, then the in-process bucket decides', async () => {
    // Arrange
    const { clock, redis, limiter, decisions } = setup({ fallback: 'local' });
    redis.mode = 'hang';

    // Act: the first call pays the timeout, the next ones skip Redis while it is marked down
    const first = await consumeThroughTimeout(limiter, clock);
    const second = await limiter.consume('checkout', 'client-a');
    const third = await limiter.consume('checkout', 'client-a');

    // Assert
    expect([first, second, third].map((d) => [d.allowed, d.source])).toEqual([
      [true, 'local'],
      [true, 'local'],
      [false, 'local'],
    ]);
    expect(redis.calls).toHaveLength(1);
    expect(await decisions()).toEqual([
      { route: 'checkout', decision: 'allowed', source: 'local', n: 2 },
      { route: 'checkout', decision: 'denied', source: 'local', n: 1 },
    ]);
  });

  it('when Redis fails on a fail-open route, then every request is allowed without a bucket state', async () => {
    // Arrange
    const { redis, limiter } = setup({ fallback: 'fail-open' });
    redis.mode = 'fail';

    // Act
    const results = await Promise.all(
      Array.from({ length: 5 }, () => limiter.consume('checkout', 'client-a')),
    );

    // Assert
    expect(results.every((d) => d.allowed && d.source === 'fail-open')).toBe(true);
  });

  it('when Redis is disconnected on a fail-closed route, then requests are refused until the retry interval ends', async () => {
    // Arrange
    const { clock, redis, limiter } = setup({ fallback: 'fail-closed' });
    redis.status = 'reconnecting';

    // Act
    const refused = await limiter.consume('checkout', 'client-a');
    await clock.advance(400);
    const stillRefused = await limiter.consume('checkout', 'client-a');

    // Assert
    expect(refused).toMatchObject({ allowed: false, source: 'fail-closed', retryAfterMs: 1000 });
    expect(stillRefused).toMatchObject({ allowed: false, retryAfterMs: 600 });
    expect(redis.calls).toHaveLength(0);
  });

  it('when the retry interval has passed and Redis is back, then Redis decides again', async () => {
    // Arrange
    const { clock, redis, limiter } = setup({ fallback: 'local' });
    redis.mode = 'fail';
    await limiter.consume('checkout', 'client-a');

    // Act
    redis.mode = 'answer';
    await clock.advance(1000);
    const decision = await limiter.consume('checkout', 'client-a');

    // Assert
    expect(decision.source).toBe('redis');
  });

  it('when a local policy is configured, then the fallback enforces that policy instead', async () => {
    // Arrange
    const { redis, limiter } = setup({
      fallback: 'local',
      localPolicy: { limit: 1, windowMs: 1000 },
    });
    redis.mode = 'fail';

    // Act
    const first = await limiter.consume('checkout', 'client-a');
    const second = await limiter.consume('checkout', 'client-a');

    // Assert
    expect(first).toMatchObject({ allowed: true, limit: 1 });
    expect(second).toMatchObject({ allowed: false, retryAfterMs: 1000 });
  });

  it('when a route has no policy, then consume refuses to guess and hasRoute says so', async () => {
    // Arrange
    const { limiter } = setup();

    // Act + Assert
    expect(limiter.hasRoute('search')).toBe(false);
    await expect(limiter.consume('search', 'client-a')).rejects.toThrow(RangeError);
  });

  it('when a policy is invalid, then the limiter refuses to start', () => {
    // Arrange
    const redis = new ScriptedRedis();

    // Act + Assert
    expect(() => new RateLimiter({ redis, routes: { a: { limit: 0, windowMs: 1000 } } })).toThrow(
      /limit must be an integer/,
    );
    expect(() => new RateLimiter({ redis, routes: { a: { limit: 1, windowMs: 1500 } } })).toThrow(
      /whole seconds/,
    );
  });
});
