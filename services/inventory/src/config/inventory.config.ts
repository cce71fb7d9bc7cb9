import {
  commaList,
  DEVELOPMENT_ADMIN_TOKEN,
  envInt as int,
  jsonText,
  platformConfigSchema,
  secret,
} from '@rc/platform';
import { z } from 'zod';

/**
 * Configuration of the inventory service: every key documented, every key with a default that
 * works on a developer machine (`npm start`). Validated once at start-up by the platform
 * bootstrap; a bad value refuses to start, naming the key.
 */
export const inventoryConfigSchema = platformConfigSchema
  .extend({
    SERVICE_NAME: z
      .string()
      .min(1)
      .default('inventory')
      .describe('Name in logs, metrics and traces.'),
    PORT: int(0, 65_535).default(3003).describe('HTTP port.'),
    NODE_ENV: z
      .enum(['development', 'test', 'production'])
      .default('development')
      .describe('Deployment environment; production refuses the development admin token.'),
    DATABASE_URL: z
      .string()
      .url()
      .default('postgres://postgres@127.0.0.1:5432/rc_inventory')
      .describe('Postgres database owned by this service (products, stock, reservations, outbox).'),
    DATABASE_POOL_MAX: int(2, 200)
      .default(20)
      .describe('Most Postgres connections this process opens.'),
    REDIS_URL: z
      .string()
      .url()
      .default('redis://127.0.0.1:6379')
      .describe('Redis for the shared per-client rate limit buckets (fail-open when down).'),
    KAFKA_BROKERS: commaList
      .default(['127.0.0.1:9092'])
      .describe('Kafka bootstrap brokers, comma-separated host:port.'),
    ORDERS_TOPIC: z
      .string()
      .min(1)
      .default('orders')
      .describe('Topic of OrderPlaced/OrderFailed (consumed).'),
    INVENTORY_TOPIC: z
      .string()
      .min(1)
      .default('inventory')
      .describe(
        'Topic of StockReserved/StockCommitted/StockReleased (produced through the outbox).',
      ),
    CONSUMER_GROUP: z
      .string()
      .min(1)
      .default('inventory')
      .describe('Kafka consumer group of the order-event consumer.'),
    RESERVATION_DEFAULT_TTL_SECONDS: int(1, 86_400)
      .default(900)
      .describe('How long a reservation holds stock when the caller gives no ttlSeconds.'),
    EXPIRY_INTERVAL_MS: int(100)
      .default(5_000)
      .describe('Pause between two sweeps of the expiry worker.'),
    EXPIRY_BATCH_SIZE: int(1, 10_000)
      .default(100)
      .describe('Reservations expired per transaction.'),
    SEED_CATALOGUE: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .default(true)
      .describe('Load the demo catalogue at start-up when the products table is empty.'),
    RATE_LIMIT_PER_CLIENT_PER_SECOND: int(1)
      .default(1_000)
      .describe(
        'Requests per second one client (x-client-id) may make per route; high by default so a load test from one client is not limited.',
      ),
    IDEMPOTENCY_LOCK_TIMEOUT_MS: int(1_000)
      .default(30_000)
      .describe(
        'Lease of a running idempotent request; must exceed the longest request (its deadline).',
      ),
    IDEMPOTENCY_TTL_SECONDS: int(60)
      .default(24 * 3600)
      .describe('How long an Idempotency-Key and its response are kept.'),
    FAULT_RULES: jsonText
      .default([])
      .describe(
        'Fault-injection rules at start-up, a JSON array (see the resilience docs); none by default.',
      ),
    ADMIN_TOKEN: secret(z.string().min(16))
      .default(DEVELOPMENT_ADMIN_TOKEN)
      .describe(
        'Bearer token of the admin API (/admin/faults); a secret. Defaults to a development token, refused in production.',
      ),
  })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV === 'production' && config.ADMIN_TOKEN === DEVELOPMENT_ADMIN_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_TOKEN'],
        message: 'must be set in production (the development default is refused)',
      });
    }
  });

/** The validated inventory configuration. */
export type InventoryConfig = z.infer<typeof inventoryConfigSchema>;
