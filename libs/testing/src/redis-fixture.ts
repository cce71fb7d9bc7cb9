import { Redis } from 'ioredis';
import { testEnv } from './config/test-env';
import { requireRedis } from './require-infra';
import { uniqueName } from './unique-name';

/** A Redis client and a key prefix of one test file's own. */
export interface RedisFixture {
  /** Connected client on the test server. */
  redis: Redis;
  /** `test:<name>-<unique>:`; every key the test writes should start with it. */
  prefix: string;
  /** Deletes every key under `prefix` and disconnects (resolves once the connection is closed). */
  drop(): Promise<void>;
}

/**
 * A connected Redis client on the test server (fails, never skips, with "run `npm run
 * infra:up`" when Redis is down) and a key prefix no other run uses, so suites share one
 * server without seeing each other's keys.
 */
export async function createRedisFixture(name: string): Promise<RedisFixture> {
  await requireRedis();
  const redis = new Redis(testEnv().redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const prefix = `test:${uniqueName(name)}:`;
  return {
    redis,
    prefix,
    drop: async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      // Resolves once the connection is closed (`status` 'end'), not when it was asked to close:
      // on a busy machine the close event can come after the caller's next await.
      const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
      redis.disconnect();
      await ended;
    },
  };
}
