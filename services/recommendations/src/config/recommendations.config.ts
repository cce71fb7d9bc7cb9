import { refuseInvalidKafkaSecurity } from '@rc/messaging';
import {
  commaList,
  envInt as int,
  platformConfigSchema,
  refuseDevelopmentDefaults,
  serviceKeys,
} from '@rc/platform';
import { z } from 'zod';

/**
 * Configuration of the recommendations service (tier 3). Every key documented and defaulted
 * for a developer machine; a bad value refuses to start, naming the key.
 */
export const recommendationsConfigSchema = platformConfigSchema
  .extend({
    SERVICE_NAME: z
      .string()
      .min(1)
      .default('recommendations')
      .describe('Name in logs, metrics and traces.'),
    PORT: int(0).max(65535).default(3004).describe('HTTP port.'),
    NODE_ENV: serviceKeys.nodeEnv(),
    REDIS_URL: serviceKeys.redisUrl(
      'State Redis (noeviction) holding the co-purchase model and the rate-limit buckets.',
    ),
    REDIS_CACHE_URL: z
      .string()
      .url()
      .default('redis://127.0.0.1:6380')
      .describe(
        'Cache Redis (allkeys-lru) holding only the response cache; may be REDIS_URL on a single-Redis setup, at the price of cache entries taking the state Redis’s memory.',
      ),
    REDIS_COMMAND_TIMEOUT_MS: int(1)
      .default(50)
      .describe('Longest wait for one Redis command; past it the fallbacks answer.'),
    RECO_KEY_PREFIX: z
      .string()
      .min(1)
      .default('reco:')
      .describe('Prefix of every Redis key of the service.'),
    RECO_FRESH_TTL_MS: int(0)
      .default(30_000)
      .describe('A cached answer younger than this is served as is.'),
    RECO_STALE_TTL_MS: int(1_000)
      .default(3_600_000)
      .describe('How long a cached answer may still be served when the model cannot answer.'),
    RECO_LOCAL_CACHE_ENTRIES: int(0)
      .default(10_000)
      .describe('Answers kept in process for when Redis itself is unreachable (LRU).'),
    RECO_STATIC_BESTSELLERS: commaList
      .default([
        'FUEL-CAN-230',
        'SOCK-MERINO-3',
        'BOTTLE-STEEL-1L',
        'LAMP-HEAD-400',
        'FILTER-SQZ',
        'KIT-FIRST-AID',
        'MAT-FOAM-ZZ',
        'POT-TI-750',
      ])
      .describe(
        'The last-resort answer: best-sellers, comma-separated SKUs (the seed catalogue by default).',
      ),
    RECO_DEFAULT_LIMIT: int(1)
      .max(20)
      .default(4)
      .describe('Suggestions returned when the request names no limit.'),
    RECO_CANDIDATES_PER_SKU: int(1)
      .max(1_000)
      .default(50)
      .describe('Best partners read per requested SKU (bounds the work of one request).'),
    RECO_DEDUP_TTL_SECONDS: int(60)
      .default(8 * 24 * 3600)
      .describe(
        'How long an applied OrderPlaced id is remembered (longer than the topic retention).',
      ),
    RECO_REDIS_BREAKER_OPEN_MS: int(100)
      .default(2_000)
      .describe(
        'After Redis proved failing or slow, how long the fallbacks answer before Redis is probed again.',
      ),
    KAFKA_BROKERS: serviceKeys.kafkaBrokers(),
    KAFKA_FETCH_MAX_WAIT_MS: serviceKeys.kafkaFetchMaxWaitMs(
      'Longest a Kafka fetch waits for new messages, ms: a stop waits for the fetch in flight; at light traffic an event may wait this long.',
    ),
    ...serviceKeys.kafkaSecurity(),
    RECO_ORDERS_TOPIC: z
      .string()
      .min(1)
      .default('orders')
      .describe('Topic the model learns from (OrderPlaced).'),
    RECO_CONSUMER_GROUP: z
      .string()
      .min(1)
      .default('recommendations')
      .describe('Kafka consumer group of the model.'),
    RATE_LIMIT_PER_CLIENT_PER_SECOND: serviceKeys.rateLimitPerClient(
      'Requests per second one caller (the client address) may make; high by default so a load test is not limited.',
    ),
    FAULT_RULES: serviceKeys.faultRules(),
    ADMIN_TOKEN: serviceKeys.adminToken(
      'Bearer token of the admin API (/admin/faults). Required in production.',
    ),
  })
  .superRefine((config, ctx) => {
    refuseDevelopmentDefaults(config, ctx);
    refuseInvalidKafkaSecurity(config, ctx);
    // The state Redis never evicts: cache entries there would fill it until state writes fail.
    if (config.NODE_ENV === 'production' && sameServer(config.REDIS_CACHE_URL, config.REDIS_URL)) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_CACHE_URL'],
        message:
          'must name another Redis than REDIS_URL in production (the cache needs an evicting server; the state one never evicts)',
      });
    }
    if (config.RECO_STALE_TTL_MS < config.RECO_FRESH_TTL_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['RECO_STALE_TTL_MS'],
        message: `must be >= RECO_FRESH_TTL_MS (${config.RECO_FRESH_TTL_MS})`,
      });
    }
  });

/** Whether two Redis URLs name the same server (host and port). */
function sameServer(a: string, b: string): boolean {
  const [ua, ub] = [new URL(a), new URL(b)];
  return ua.hostname === ub.hostname && (ua.port || '6379') === (ub.port || '6379');
}

/** The validated recommendations configuration. */
export type RecommendationsConfig = z.infer<typeof recommendationsConfigSchema>;
