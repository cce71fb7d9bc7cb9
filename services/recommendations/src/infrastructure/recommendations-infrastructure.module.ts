import { Module } from '@nestjs/common';
import {
  createRedis,
  JsonLogger,
  logFunction,
  redisProvider,
  SERVICE_CONFIG,
  ServiceMetrics,
  ShutdownRegistry,
} from '@rc/platform';
import { CircuitBreaker, FaultInjector, systemClock } from '@rc/resilience';
import type { Redis } from 'ioredis';
import { GetRecommendations } from '../application/get-recommendations.query';
import type { RecommendationsConfig } from '../config/recommendations.config';
import { RedisCoPurchaseModel } from './co-purchase-model.redis';
import { RedisRecommendationCache } from './recommendation-cache.redis';

/** DI token of the client on the state Redis (`REDIS_URL`): the model and rate-limit buckets. */
export const RECO_REDIS = Symbol('RecommendationsRedis');
/** DI token of the client on the cache Redis (`REDIS_CACHE_URL`): the response cache only. */
export const RECO_CACHE_REDIS = Symbol('RecommendationsCacheRedis');

/** A breaker around one Redis of the read path, tuned for a store that answers in well under 1 ms. */
function redisBreaker(name: string, config: RecommendationsConfig, metrics: ServiceMetrics) {
  return new CircuitBreaker(
    name,
    {
      // A call that needs the whole command timeout is as bad as a failure.
      slowCallDurationMs: config.REDIS_COMMAND_TIMEOUT_MS,
      minimumNumberOfCalls: 10,
      openDurationMs: config.RECO_REDIS_BREAKER_OPEN_MS,
      maxOpenDurationMs: Math.max(30_000, config.RECO_REDIS_BREAKER_OPEN_MS),
    },
    { registry: metrics.registry },
  );
}

/**
 * The recommendation adapters and use cases. Nothing here is a readiness dependency: with
 * Redis down the service still answers (stale copies, static best-sellers) and with Kafka down
 * the model simply stops learning until it is back.
 */
@Module({
  providers: [
    redisProvider<RecommendationsConfig>(RECO_REDIS, (config) => config.REDIS_COMMAND_TIMEOUT_MS),
    {
      provide: RECO_CACHE_REDIS,
      inject: [SERVICE_CONFIG, ShutdownRegistry],
      useFactory: (config: RecommendationsConfig, shutdown: ShutdownRegistry) =>
        createRedis(config.REDIS_CACHE_URL, {
          shutdown,
          commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
        }),
    },
    {
      // One injector for the admin API, the inbound routes and the consumer (`consume` rules).
      provide: FaultInjector,
      inject: [SERVICE_CONFIG, ServiceMetrics],
      useFactory: (config: RecommendationsConfig, metrics: ServiceMetrics) =>
        new FaultInjector({
          rules: config.FAULT_RULES,
          allowDestructive: config.ALLOW_DESTRUCTIVE_FAULTS,
          registry: metrics.registry,
        }),
    },
    {
      provide: RedisCoPurchaseModel,
      inject: [RECO_REDIS, SERVICE_CONFIG],
      useFactory: (redis: Redis, config: RecommendationsConfig) =>
        new RedisCoPurchaseModel(redis, {
          keyPrefix: config.RECO_KEY_PREFIX,
          dedupTtlSeconds: config.RECO_DEDUP_TTL_SECONDS,
          candidatesPerSku: config.RECO_CANDIDATES_PER_SKU,
        }),
    },
    {
      provide: GetRecommendations,
      inject: [RECO_CACHE_REDIS, RedisCoPurchaseModel, SERVICE_CONFIG, ServiceMetrics, JsonLogger],
      useFactory: (
        cacheRedis: Redis,
        model: RedisCoPurchaseModel,
        config: RecommendationsConfig,
        metrics: ServiceMetrics,
        logger: JsonLogger,
      ) =>
        new GetRecommendations({
          model,
          cache: new RedisRecommendationCache(
            cacheRedis,
            config.RECO_KEY_PREFIX,
            config.RECO_STALE_TTL_MS,
          ),
          freshTtlMs: config.RECO_FRESH_TTL_MS,
          staleTtlMs: config.RECO_STALE_TTL_MS,
          localCacheEntries: config.RECO_LOCAL_CACHE_ENTRIES,
          staticBestsellers: config.RECO_STATIC_BESTSELLERS,
          modelBreaker: redisBreaker('redis', config, metrics),
          cacheBreaker: redisBreaker('redis-cache', config, metrics),
          clock: systemClock,
          registry: metrics.registry,
          logger: logFunction(logger),
        }),
    },
  ],
  exports: [RECO_REDIS, FaultInjector, GetRecommendations, RedisCoPurchaseModel],
})
export class RecommendationsInfrastructureModule {}
