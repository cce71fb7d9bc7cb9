import { requirePostgres, requireRedis, testEnv } from '@rc/testing';
import type Redis from 'ioredis';
import { once } from 'node:events';
import type { Pool } from 'pg';
import { pgPoolProvider, redisProvider } from '../../src/connections';
import { HealthRegistry } from '../../src/health';
import { ShutdownRegistry } from '../../src/lifecycle';
import { JsonLogger } from '../../src/logging';
import { ServiceMetrics } from '../../src/metrics';

describe('connection providers (real Postgres and Redis)', () => {
  const env = testEnv();
  const config = { DATABASE_URL: env.databaseUrl, DATABASE_POOL_MAX: 2, REDIS_URL: env.redisUrl };
  const silent = new JsonLogger('test', 'error', () => undefined);

  beforeAll(() => Promise.all([requirePostgres(), requireRedis()]));

  it('when the database is prepared, then the pool is provided and Postgres becomes a readiness check', async () => {
    // Arrange
    const shutdown = new ShutdownRegistry();
    const health = new HealthRegistry();
    const checksDuringPrepare: string[] = [];
    const provider = pgPoolProvider<typeof config>({
      provide: 'PG',
      prepare: async (pool) => {
        await pool.query('SELECT 1');
        checksDuringPrepare.push(...Object.keys((await health.readiness()).checks));
      },
    });

    // Act
    const pool: Pool = await provider.useFactory(
      config,
      shutdown,
      health,
      silent,
      new ServiceMetrics('test', '0.0.0'),
    );
    const readiness = await health.readiness();
    await shutdown.runAll();

    // Assert: not a readiness dependency before it is prepared, up after; closed on shutdown
    expect(provider.inject).toHaveLength(5);
    expect(checksDuringPrepare).toEqual([]);
    expect(readiness.checks.postgres?.status).toBe('up');
    expect(pool.ending).toBe(true);
  });

  it('when preparing fails, then the provider fails and registers no readiness check', async () => {
    // Arrange
    const shutdown = new ShutdownRegistry();
    const health = new HealthRegistry();
    const provider = pgPoolProvider<typeof config>({
      provide: 'PG',
      prepare: async () => {
        throw new Error('migration 003 failed');
      },
    });

    // Act
    const providing = provider.useFactory(
      config,
      shutdown,
      health,
      silent,
      new ServiceMetrics('test', '0.0.0'),
    );

    // Assert
    await expect(providing).rejects.toThrow('migration 003 failed');
    expect((await health.readiness()).checks).toEqual({});
    await shutdown.runAll();
  });

  it('when Redis is provided with a timeout from config, then it answers and closes on shutdown', async () => {
    // Arrange
    const shutdown = new ShutdownRegistry();
    const provider = redisProvider<typeof config & { TIMEOUT: number }>('REDIS', (c) => c.TIMEOUT);

    // Act
    const redis: Redis = await provider.useFactory({ ...config, TIMEOUT: 321 }, shutdown);
    if (redis.status !== 'ready') await once(redis, 'ready');
    const pong = await redis.ping();
    const ended = once(redis, 'end');
    await shutdown.runAll();

    // Assert: the connection ends (the test would time out otherwise)
    expect(pong).toBe('PONG');
    expect(redis.options.commandTimeout).toBe(321);
    await ended;
  });
});
