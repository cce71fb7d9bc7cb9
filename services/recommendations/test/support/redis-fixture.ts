import { createRedisFixture as createSharedFixture, requireRedis, testEnv } from '@rc/testing';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * How the service configures its Redis clients (see config): no offline queue and a command
 * timeout, so a dead or stalled Redis fails commands fast instead of queueing them. The timeout
 * is longer than the service's 50 ms so a busy test machine does not turn a healthy Redis into
 * a fallback.
 */
export const FAIL_FAST: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 500,
};

/**
 * The cache Redis of the tests: `REDIS_CACHE_URL`, else the second local server `npm run
 * infra:up` starts on 6380 (allkeys-lru), as the service's own default.
 */
export function cacheRedisUrl(): string {
  return process.env['REDIS_CACHE_URL'] ?? 'redis://127.0.0.1:6380';
}

/** A connected client with the service's fail-fast options on `url`, at `port` if given. */
async function failFast(url: string, port?: number): Promise<Redis> {
  const u = new URL(url);
  const client = new Redis({
    host: u.hostname,
    port: port ?? Number(u.port || 6379),
    lazyConnect: true,
    ...FAIL_FAST,
  });
  await client.connect();
  return client;
}

/** Deletes every key under `prefix` on `redis`. */
async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}

/**
 * A client on the state Redis and one on the cache Redis of the tests, a key prefix no other
 * run uses (`drop` cleans both servers up), plus clients configured as the service configures
 * its own.
 */
export async function createRedisFixture(name: string) {
  await requireRedis(cacheRedisUrl());
  const fixture = await createSharedFixture(name);
  const cache = new Redis(cacheRedisUrl(), { maxRetriesPerRequest: 1 });
  return {
    ...fixture,
    /** Connected client on the cache Redis. */
    cache,
    /** A fail-fast client on the state Redis, on `port` of its host (e.g. a proxy's). */
    failFastClient: (port?: number) => failFast(testEnv().redisUrl, port),
    /** A fail-fast client on the cache Redis. */
    failFastCacheClient: () => failFast(cacheRedisUrl()),
    drop: async () => {
      await deleteKeys(cache, fixture.prefix);
      cache.disconnect();
      await fixture.drop();
    },
  };
}
