import { platformConfigSchema, secret } from '@rc/platform';
import { z } from 'zod';

/** Admin token used when none is configured: accepted in development only (see superRefine). */
export const DEVELOPMENT_ADMIN_TOKEN = 'dev-admin-token-change-me';

const commaList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const jsonText = z.string().transform((text, ctx): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
    return z.NEVER;
  }
});

const int = (min: number) => z.coerce.number().int().min(min);

/**
 * Configuration of the recommendations service (tier 3). Every key documented and defaulted
 * for a developer machine; a bad value refuses to start, naming the key.
 */
export const recommendationsConfigSchema = platformConfigSchema
  .extend({
    SERVICE_NAME: z
      .string()
      .min(1)
      .describe('Name in logs, metrics and traces.')
      .default('recommendations'),
    PORT: int(0).max(65535).describe('HTTP port.').default(3004),
    NODE_ENV: z
      .enum(['development', 'test', 'production'])
      .describe('Deployment environment; production refuses the development admin token.')
      .default('development'),
    REDIS_URL: z
      .string()
      .url()
      .describe('Redis holding the model and the cache.')
      .default('redis://127.0.0.1:6379'),
    REDIS_COMMAND_TIMEOUT_MS: int(1)
      .describe('Longest wait for one Redis command; past it the fallbacks answer.')
      .default(50),
    RECO_KEY_PREFIX: z
      .string()
      .min(1)
      .describe('Prefix of every Redis key of the service.')
      .default('reco:'),
    RECO_FRESH_TTL_MS: int(0)
      .describe('A cached answer younger than this is served as is.')
      .default(30_000),
    RECO_STALE_TTL_MS: int(1_000)
      .describe('How long a cached answer may still be served when the model cannot answer.')
      .default(3_600_000),
    RECO_LOCAL_CACHE_ENTRIES: int(0)
      .describe('Answers kept in process for when Redis itself is unreachable (LRU).')
      .default(10_000),
    RECO_STATIC_BESTSELLERS: commaList
      .describe(
        'The last-resort answer: best-sellers, comma-separated SKUs (the seed catalogue by default).',
      )
      .default([
        'FUEL-CAN-230',
        'SOCK-MERINO-3',
        'BOTTLE-STEEL-1L',
        'LAMP-HEAD-400',
        'FILTER-SQZ',
        'KIT-FIRST-AID',
        'MAT-FOAM-ZZ',
        'POT-TI-750',
      ]),
    RECO_DEFAULT_LIMIT: int(1)
      .max(20)
      .describe('Suggestions returned when the request names no limit.')
      .default(4),
    RECO_CANDIDATES_PER_SKU: int(1)
      .max(1_000)
      .describe('Best partners read per requested SKU (bounds the work of one request).')
      .default(50),
    RECO_DEDUP_TTL_SECONDS: int(60)
      .describe(
        'How long an applied OrderPlaced id is remembered (longer than the topic retention).',
      )
      .default(8 * 24 * 3600),
    RECO_REDIS_BREAKER_OPEN_MS: int(100)
      .describe(
        'After Redis proved failing or slow, how long the fallbacks answer before Redis is probed again.',
      )
      .default(2_000),
    KAFKA_BROKERS: commaList
      .describe('Kafka bootstrap brokers, comma-separated host:port.')
      .default(['127.0.0.1:9092']),
    RECO_ORDERS_TOPIC: z
      .string()
      .min(1)
      .describe('Topic the model learns from (OrderPlaced).')
      .default('orders'),
    RECO_CONSUMER_GROUP: z
      .string()
      .min(1)
      .describe('Kafka consumer group of the model.')
      .default('recommendations'),
    RATE_LIMIT_PER_CLIENT_PER_SECOND: int(1)
      .describe(
        'Requests per second one client (x-client-id) may make; high by default so a load test is not limited.',
      )
      .default(1_000),
    FAULT_RULES: jsonText
      .describe(
        'Fault-injection rules at start-up, a JSON array (see the resilience docs); none by default.',
      )
      .default([]),
    ADMIN_TOKEN: secret(
      z
        .string()
        .min(16)
        .describe('Bearer token of the admin API (/admin/faults). Required in production.'),
    ).default(DEVELOPMENT_ADMIN_TOKEN),
  })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV === 'production' && config.ADMIN_TOKEN === DEVELOPMENT_ADMIN_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_TOKEN'],
        message: 'must be set in production (the development default is refused)',
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

/** The validated recommendations configuration. */
export type RecommendationsConfig = z.infer<typeof recommendationsConfigSchema>;
