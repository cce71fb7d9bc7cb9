import { requireRedis, testEnv, uniqueName } from '@rc/testing';
import { Redis } from 'ioredis';

/** A Redis client on the test server and a key prefix no other run uses; `drop` cleans up. */
export async function createRedisFixture(name: string) {
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
      redis.disconnect();
    },
  };
}
