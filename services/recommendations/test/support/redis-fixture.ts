import { createRedisFixture as createSharedFixture, testEnv } from '@rc/testing';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * How the service configures its Redis client (see config): no offline queue and a command
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
 * A Redis client on the test server and a key prefix no other run uses (`drop` cleans up), plus
 * clients configured as the service configures its own.
 */
export async function createRedisFixture(name: string) {
  const fixture = await createSharedFixture(name);
  return {
    ...fixture,
    /** A connected client with the service's fail-fast options, on `port` of the Redis host. */
    failFastClient: async (port?: number) => {
      const url = new URL(testEnv().redisUrl);
      const client = new Redis({
        host: url.hostname,
        port: port ?? Number(url.port || 6379),
        lazyConnect: true,
        ...FAIL_FAST,
      });
      await client.connect();
      return client;
    },
  };
}
