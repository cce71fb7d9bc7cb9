import Redis from 'ioredis';
import { Pool } from 'pg';
import type { Registry } from 'prom-client';
import type { ShutdownRegistry } from '../lifecycle/shutdown-registry';
import { exportPgPoolMetrics } from '../metrics/pg-pool-metrics';
import { prepareParameterisedQueries } from './prepared-statements';

/**
 * A pg pool with bounded waits: a query never hangs forever on a saturated pool or a dead
 * server. Registered for shutdown when a shutdown registry is given; its saturation
 * (`db_client_connections*`, labelled with `name`) exported when a metrics registry is given.
 * Parameterised queries run as named prepared statements unless `prepareStatements` is false.
 */
export function createPgPool(
  url: string,
  options: {
    max?: number;
    shutdown?: ShutdownRegistry;
    name?: string;
    metrics?: Registry;
    /** Parameterised queries as named prepared statements (default true; see prepareParameterisedQueries). */
    prepareStatements?: boolean;
  } = {},
): Pool {
  const pool = new Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    // Server-side bound for any statement: a stuck query cannot hold a connection indefinitely.
    statement_timeout: 10_000,
  });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  if (options.prepareStatements ?? true) prepareParameterisedQueries(pool);
  options.shutdown?.onShutdown(options.name ?? 'postgres', () => pool.end());
  if (options.metrics) exportPgPoolMetrics(options.metrics, pool, options.name ?? 'postgres');
  return pool;
}

/**
 * An ioredis client that fails commands fast while disconnected (no unbounded offline queue),
 * so callers' fallbacks run instead of waiting.
 */
export function createRedis(
  url: string,
  options: { shutdown?: ShutdownRegistry; name?: string; commandTimeoutMs?: number } = {},
): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    commandTimeout: options.commandTimeoutMs ?? 500,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
  });
  redis.on('error', () => undefined);
  options.shutdown?.onShutdown(options.name ?? 'redis', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  return redis;
}
