import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import { SERVICE_CONFIG } from '../bootstrap/platform.module';
import { postgresCheck } from '../health/health-checks';
import { HealthRegistry } from '../health/health-registry';
import { ShutdownRegistry } from '../lifecycle/shutdown-registry';
import { JsonLogger } from '../logging/json-logger';
import { ServiceMetrics } from '../metrics/http-metrics';
import { createPgPool, createRedis } from './connection-factories';

/** The config keys {@link pgPoolProvider} reads. */
export interface PgPoolConfig {
  DATABASE_URL: string;
  DATABASE_POOL_MAX: number;
}

/** Options of {@link pgPoolProvider}. */
export interface PgPoolProviderOptions<C extends PgPoolConfig> {
  /** DI token the pool is provided under. */
  provide: InjectionToken;
  /**
   * Readies the database before anything can use the pool (migrations, seed data) and logs what
   * it did. A failure refuses the start: the service never runs against a missing table.
   */
  prepare: (pool: Pool, config: C, logger: JsonLogger) => Promise<void>;
}

/**
 * The service's own Postgres pool as a Nest provider: `DATABASE_URL`, at most
 * `DATABASE_POOL_MAX` connections, closed on shutdown, its saturation exported as metrics. DI
 * gives the start-up order: the pool is provided only after `prepare` ran, and only then is
 * Postgres registered as a readiness dependency (`postgres`).
 */
export function pgPoolProvider<C extends PgPoolConfig>(
  options: PgPoolProviderOptions<C>,
): FactoryProvider<Promise<Pool>> {
  return {
    provide: options.provide,
    inject: [SERVICE_CONFIG, ShutdownRegistry, HealthRegistry, JsonLogger, ServiceMetrics],
    useFactory: async (
      config: C,
      shutdown: ShutdownRegistry,
      health: HealthRegistry,
      logger: JsonLogger,
      metrics: ServiceMetrics,
    ): Promise<Pool> => {
      const pool = createPgPool(config.DATABASE_URL, {
        max: config.DATABASE_POOL_MAX,
        shutdown,
        metrics: metrics.registry,
      });
      await options.prepare(pool, config, logger);
      health.register('postgres', postgresCheck(pool));
      return pool;
    },
  };
}

/**
 * A Redis client on `REDIS_URL` as a Nest provider, failing commands fast (see
 * {@link createRedis}) after `commandTimeoutMs` and closed on shutdown. Not a readiness
 * dependency: services whose Redis use has a fallback (fail-open rate limits, caches) keep
 * serving without it; one that cannot (the cart) registers its own check.
 */
export function redisProvider<C extends { REDIS_URL: string }>(
  provide: InjectionToken,
  commandTimeoutMs: number | ((config: C) => number),
): FactoryProvider<Redis> {
  return {
    provide,
    inject: [SERVICE_CONFIG, ShutdownRegistry],
    useFactory: (config: C, shutdown: ShutdownRegistry) =>
      createRedis(config.REDIS_URL, {
        shutdown,
        commandTimeoutMs:
          typeof commandTimeoutMs === 'function' ? commandTimeoutMs(config) : commandTimeoutMs,
      }),
  };
}
