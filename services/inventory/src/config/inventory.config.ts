import { platformConfigSchema, secret } from '@rc/platform';
import { z } from 'zod';

/** Admin token used when none is configured: accepted outside production only (see superRefine). */
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

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max);

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
      .describe('Name in logs, metrics and traces.')
      .default('inventory'),
    PORT: int(0, 65_535).describe('HTTP port.').default(3003),
    NODE_ENV: z
      .enum(['development', 'test', 'production'])
      .describe('Deployment environment; production refuses the development admin token.')
      .default('development'),
    DATABASE_URL: z
      .string()
      .url()
      .describe('Postgres database owned by this service (products, stock, reservations, outbox).')
      .default('postgres://postgres@127.0.0.1:5432/rc_inventory'),
    DATABASE_POOL_MAX: int(2, 200)
      .describe('Most Postgres connections this process opens.')
      .default(20),
    REDIS_URL: z
      .string()
      .url()
      .describe('Redis for the shared per-client rate limit buckets (fail-open when down).')
      .default('redis://127.0.0.1:6379'),
    KAFKA_BROKERS: commaList
      .describe('Kafka bootstrap brokers, comma-separated host:port.')
      .default(['127.0.0.1:9092']),
    ORDERS_TOPIC: z
      .string()
      .min(1)
      .describe('Topic of OrderPlaced/OrderFailed (consumed).')
      .default('orders'),
    INVENTORY_TOPIC: z
      .string()
      .min(1)
      .describe(
        'Topic of StockReserved/StockCommitted/StockReleased (produced through the outbox).',
      )
      .default('inventory'),
    CONSUMER_GROUP: z
      .string()
      .min(1)
      .describe('Kafka consumer group of the order-event consumer.')
      .default('inventory'),
    RESERVATION_DEFAULT_TTL_SECONDS: int(1, 86_400)
      .describe('How long a reservation holds stock when the caller gives no ttlSeconds.')
      .default(900),
    EXPIRY_INTERVAL_MS: int(100)
      .describe('Pause between two sweeps of the expiry worker.')
      .default(5_000),
    EXPIRY_BATCH_SIZE: int(1, 10_000)
      .describe('Reservations expired per transaction.')
      .default(100),
    SEED_CATALOGUE: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .describe('Load the demo catalogue at start-up when the products table is empty.')
      .default(true),
    RATE_LIMIT_PER_CLIENT_PER_SECOND: int(1)
      .describe(
        'Requests per second one client (x-client-id) may make per route; high by default so a load test from one client is not limited.',
      )
      .default(1_000),
    IDEMPOTENCY_LOCK_TIMEOUT_MS: int(1_000)
      .describe(
        'Lease of a running idempotent request; must exceed the longest request (its deadline).',
      )
      .default(30_000),
    IDEMPOTENCY_TTL_SECONDS: int(60)
      .describe('How long an Idempotency-Key and its response are kept.')
      .default(24 * 3600),
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
  });

/** The validated inventory configuration. */
export type InventoryConfig = z.infer<typeof inventoryConfigSchema>;
