import { DOMAIN_TOPICS } from '@rc/contracts';
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
 * Configuration of the analytics service (tier 4). Every key documented and defaulted for a
 * developer machine; a bad value refuses to start, naming the key. Also read by the redrive CLI.
 */
export const analyticsConfigSchema = platformConfigSchema
  .extend({
    SERVICE_NAME: z
      .string()
      .min(1)
      .default('analytics')
      .describe('Name in logs, metrics and traces.'),
    PORT: int(0).max(65535).default(3005).describe('HTTP port.'),
    NODE_ENV: serviceKeys.nodeEnv(),
    DATABASE_URL: serviceKeys.databaseUrl(
      'rc_analytics',
      'Postgres database of the aggregates and the inbox.',
    ),
    // 10, not the shared 20: the consumer works one partition at a time and the summary is a
    // tier-4 read; more would only hold slots of the Postgres server that `npm start` and
    // Compose share with the tier-1 services.
    DATABASE_POOL_MAX: serviceKeys.databasePoolMax('Most connections in the pool.', 10),
    REDIS_URL: serviceKeys.redisUrl(
      'Redis of the shared per-client rate limit (a local limit applies while it is down).',
    ),
    KAFKA_BROKERS: serviceKeys.kafkaBrokers(),
    KAFKA_FETCH_MAX_WAIT_MS: serviceKeys.kafkaFetchMaxWaitMs(
      'Longest a Kafka fetch waits for new messages, ms: a stop waits for the fetch in flight; at light traffic an event may wait this long.',
    ),
    ...serviceKeys.kafkaSecurity(),
    HOUSEKEEPING_INTERVAL_MS: serviceKeys.housekeepingIntervalMs(),
    INBOX_RETENTION_MS: serviceKeys.inboxRetentionMs(),
    ANALYTICS_TOPICS: commaList
      .default([...DOMAIN_TOPICS])
      .describe('Topics consumed (each with its <topic>.dlq), comma-separated.'),
    ANALYTICS_CONSUMER_GROUP: z
      .string()
      .min(1)
      .default('analytics')
      .describe('Kafka consumer group (and inbox group).'),
    ANALYTICS_MAX_ATTEMPTS: int(1)
      .max(20)
      .default(5)
      .describe('Handler attempts per delivery before a transient failure is dead-lettered.'),
    ANALYTICS_REPORTING_CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default('EUR')
      .describe('Currency of the summary when the request names none.'),
    ANALYTICS_TOP_PRODUCTS: int(1)
      .max(100)
      .default(5)
      .describe('Top products listed by default in the summary.'),
    REDRIVE_DEFAULT_LIMIT: int(1)
      .max(100_000)
      .default(100)
      .describe('Messages one redrive moves when no limit is given.'),
    REDRIVE_TIMEOUT_MS: int(1_000)
      .default(30_000)
      .describe('Longest one redrive runs before returning what it moved.'),
    IDEMPOTENCY_TTL_SECONDS: serviceKeys.idempotencyTtlSeconds(
      'How long an Idempotency-Key of the admin API and its response are kept.',
    ),
    RATE_LIMIT_PER_CLIENT_PER_SECOND: serviceKeys.rateLimitPerClient(
      'Requests per second one caller (the client address) may make per route; high by default so a load test is not limited.',
    ),
    FAULT_RULES: serviceKeys.faultRules(),
    ADMIN_TOKEN: serviceKeys.adminToken(
      'Bearer token of the admin APIs (/admin/faults, /admin/dlq). Required in production.',
    ),
  })
  .superRefine((config, ctx) => {
    refuseDevelopmentDefaults(config, ctx);
    refuseInvalidKafkaSecurity(config, ctx);
  });

/** The validated analytics configuration. */
export type AnalyticsConfig = z.infer<typeof analyticsConfigSchema>;
