import type { FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { FaultInjector } from '../fault-injection';
import {
  type IdempotencyStore,
  PostgresIdempotencyStore,
  RedisIdempotencyStore,
} from '../idempotency';
import { AdaptiveConcurrencyLimiter, AimdLimit } from '../load-shedding';
import type { RedisScriptClient } from '../rate-limit';
import { inboundResilience, type InboundResilienceOptions } from './inbound-resilience';

/** A Redis that records the keys it is asked about; `down` makes every call fail. */
class RecordingRedis implements RedisScriptClient {
  status = 'ready';
  down = false;
  keys: unknown[] = [];

  evalsha(_sha: string, _keys: number, ...args: (string | number)[]): Promise<unknown> {
    return this.answer(args);
  }

  eval(_script: string, _keys: number, ...args: (string | number)[]): Promise<unknown> {
    return this.answer(args);
  }

  private answer(args: (string | number)[]): Promise<unknown> {
    this.keys.push(args[0]);
    if (this.down) return Promise.reject(new Error('ECONNREFUSED'));
    return Promise.resolve([1, 9, 1000, 0, 1]);
  }
}

const clientId = (request: FastifyRequest) => request.ip;

function base(overrides: Partial<InboundResilienceOptions> = {}): InboundResilienceOptions {
  return {
    service: 'orders',
    registry: new Registry(),
    faults: { rules: [] },
    adminToken: 'admin-secret',
    defaultCriticality: 'CRITICAL',
    clientId,
    ...overrides,
  };
}

describe('inboundResilience', () => {
  it('when a service states only the required parts, then it gets a shedder named after it and nothing it did not ask for', async () => {
    // Arrange
    const registry = new Registry();

    // Act
    const options = inboundResilience(base({ registry }));

    // Assert
    expect(options.loadShedder).toBeInstanceOf(AdaptiveConcurrencyLimiter);
    const limits = await registry.getSingleMetric('resilience_load_shedding_limit')?.get();
    expect(limits?.values.map((v) => v.labels.limiter)).toEqual(['orders']);
    expect(options.rateLimiter).toBeUndefined();
    expect(options.idempotencyStore).toBeUndefined();
    expect(options.faultInjector).toBeInstanceOf(FaultInjector);
    expect(options).toMatchObject({
      faultAdminToken: 'admin-secret',
      defaultCriticality: 'CRITICAL',
      clientId,
    });
  });

  it('when load shedding is switched off or given an algorithm, then the shedder follows', () => {
    // Act
    const off = inboundResilience(base({ loadShedding: false }));
    const tuned = inboundResilience(
      base({ loadShedding: { algorithm: new AimdLimit({ initialLimit: 7, minLimit: 1 }) } }),
    );

    // Assert
    expect(off.loadShedder).toBeUndefined();
    expect(tuned.loadShedder?.limit).toBe(7);
  });

  it('when routes are listed, then each gets the per-client policy under <service>:rl and others are not limited', async () => {
    // Arrange
    const redis = new RecordingRedis();
    const options = inboundResilience(
      base({
        redis,
        rateLimit: { routes: ['GET /v1/a'], perClientPerSecond: 5, fallback: 'fail-open' },
      }),
    );

    // Act
    const decision = await options.rateLimiter!.consume('GET /v1/a', 'client-1');

    // Assert
    expect(options.rateLimiter!.hasRoute('GET /v1/a')).toBe(true);
    expect(options.rateLimiter!.hasRoute('GET /v1/b')).toBe(false);
    expect(redis.keys).toEqual(['orders:rl:GET /v1/a:client-1']);
    expect(decision).toMatchObject({ allowed: true, limit: 5, windowMs: 1_000 });
  });

  it('when Redis is down, then the shared fallback applies unless a route overrides it', async () => {
    // Arrange
    const redis = new RecordingRedis();
    redis.down = true;
    const options = inboundResilience(
      base({
        redis,
        rateLimit: {
          routes: { 'POST /v1/a': {}, 'GET /v1/a/:id': { fallback: 'fail-open' } },
          perClientPerSecond: 5,
          fallback: 'fail-closed',
          keyPrefix: 'custom:rl',
        },
      }),
    );

    // Act
    const shared = await options.rateLimiter!.consume('POST /v1/a', 'client-1');
    const overridden = await options.rateLimiter!.consume('GET /v1/a/:id', 'client-1');

    // Assert
    expect(shared).toMatchObject({ allowed: false, source: 'fail-closed' });
    expect(overridden).toMatchObject({ allowed: true, source: 'fail-open' });
    expect(redis.keys[0]).toBe('custom:rl:POST /v1/a:client-1');
  });

  it('when a rate limit is asked for without Redis, then it refuses to build', () => {
    // Act
    const build = () =>
      inboundResilience(
        base({ rateLimit: { routes: ['GET /v1/a'], perClientPerSecond: 5, fallback: 'local' } }),
      );

    // Assert
    expect(build).toThrow('orders: rateLimit needs a redis client');
  });

  it('when the service hands in its fault injector, then the same instance is used', () => {
    // Arrange
    const faults = new FaultInjector({ registry: new Registry() });

    // Act
    const options = inboundResilience(base({ faults }));

    // Assert
    expect(options.faultInjector).toBe(faults);
  });

  it('when fault rules are given, then an injector is built with them', () => {
    // Act
    const options = inboundResilience(
      base({
        faults: {
          rules: [
            {
              id: 'slow',
              target: 'dependency',
              name: 'payment',
              probability: 1,
              enabled: true,
              fault: { kind: 'latency', ms: 5 },
            },
          ],
        },
      }),
    );

    // Assert
    expect(options.faultInjector?.getRules().map((r) => r.id)).toEqual(['slow']);
  });

  it('when idempotency keys go to Postgres, then the store takes the lease and retention given', () => {
    // Act
    const options = inboundResilience(
      base({ idempotencyStore: { pool: {} as Pool, lockTimeoutMs: 9_000, ttlMs: 60_000 } }),
    );

    // Assert
    expect(options.idempotencyStore).toBeInstanceOf(PostgresIdempotencyStore);
    expect(options.idempotencyStore?.lockTimeout).toBe(9_000);
    expect(options.idempotencyStore?.pruneTask?.().table).toBe('idempotency_keys');
  });

  it('when idempotency keys go to Redis, then they live under <service>:idem: by default', async () => {
    // Arrange
    const redis = new RecordingRedis();
    const options = inboundResilience(
      base({ idempotencyStore: { redis: redis as never, ttlMs: 60_000 } }),
    );

    // Act
    await options.idempotencyStore!.begin('client-1', 'key-1', 'fp').catch(() => undefined);

    // Assert
    expect(options.idempotencyStore).toBeInstanceOf(RedisIdempotencyStore);
    expect(String(redis.keys[0])).toMatch(/^orders:idem:[0-9a-f]{64}$/);
  });

  it('when a ready store and HTTP details are given, then they are passed on as they are', () => {
    // Arrange
    const store = {} as IdempotencyStore;
    const finalErrorResponse = () => undefined;

    // Act
    const options = inboundResilience(
      base({
        idempotencyStore: Object.assign(store, { begin: jest.fn() }),
        idempotency: { finalErrorResponse, fingerprintKey: 'k', replayHeaders: ['x'] },
        deadline: { enabled: false, defaultTimeoutMs: 100 },
      }),
    );

    // Assert
    expect(options.idempotencyStore).toBe(store);
    expect(options.idempotency).toEqual({
      finalErrorResponse,
      fingerprintKey: 'k',
      replayHeaders: ['x'],
    });
    expect(options.deadline).toEqual({ enabled: false, defaultTimeoutMs: 100 });
  });
});
