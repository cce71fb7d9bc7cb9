import { bootstrapService, type RunningService } from '@rc/platform';
import { deleteGroups, requireRedis, serviceTestEnv, testEnv, uniqueName } from '@rc/testing';
import { Redis } from 'ioredis';
import { testKafka } from './kafka-fixture';
import { cacheRedisUrl } from './redis-fixture';
import {
  recommendationsConfigSchema,
  type RecommendationsConfig,
} from '../../src/config/recommendations.config';
import { RecommendationsModule } from '../../src/recommendations.module';

/** The service started in-process on a free port, with its own key prefix, topic and group. */
export interface StartedRecommendations {
  service: RunningService<RecommendationsConfig>;
  url: string;
  prefix: string;
  stop(): Promise<void>;
}

/** Starts recommendations against the real Redis and Kafka with `env` overrides. */
export async function startRecommendations(
  env: Record<string, string> = {},
): Promise<StartedRecommendations> {
  await requireRedis();
  await requireRedis(cacheRedisUrl());
  const prefix = `test:${uniqueName('reco-http')}:`;
  const groupId = uniqueName('reco-group');
  const service = await bootstrapService({
    module: RecommendationsModule,
    schema: recommendationsConfigSchema,
    env: {
      ...serviceTestEnv(),
      LOG_LEVEL: 'error',
      REDIS_CACHE_URL: cacheRedisUrl(),
      RECO_KEY_PREFIX: prefix,
      RECO_CONSUMER_GROUP: groupId,
      RECO_STATIC_BESTSELLERS: 'BEST-1,BEST-2,BEST-3',
      // Generous: these tests are about behaviour, not timeouts, and run on a shared machine.
      REDIS_COMMAND_TIMEOUT_MS: '1000',
      ...env,
    },
    logSink: () => undefined,
    handleSignals: false,
    openApi: { title: 'recommendations' },
  });
  return {
    service,
    url: service.url,
    prefix,
    stop: async () => {
      await service.shutdown('test');
      await deleteGroups(testKafka(), [groupId]);
      for (const url of [testEnv().redisUrl, cacheRedisUrl()]) {
        const redis = new Redis(url);
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      }
    },
  };
}
