import { refuseInvalidKafkaSecurity } from '@rc/messaging';
import {
  envInt as int,
  jsonText,
  platformConfigSchema,
  refuseDevelopmentDefaults,
  serviceKeys,
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
    NODE_ENV: serviceKeys.nodeEnv(),
    DATABASE_URL: serviceKeys.databaseUrl(
      'rc_inventory',
      'Postgres database owned by this service (products, stock, reservations, outbox).',
    ),
    DATABASE_POOL_MAX: serviceKeys.databasePoolMax(),
    REDIS_URL: serviceKeys.redisUrl(
      'Redis for the shared per-client rate limit buckets (fail-open when down).',
    ),
    KAFKA_BROKERS: serviceKeys.kafkaBrokers(),
    KAFKA_FETCH_MAX_WAIT_MS: serviceKeys.kafkaFetchMaxWaitMs(),
    ...serviceKeys.kafkaSecurity(),
    HOUSEKEEPING_INTERVAL_MS: serviceKeys.housekeepingIntervalMs(),
    OUTBOX_RETENTION_MS: serviceKeys.outboxRetentionMs(),
    INBOX_RETENTION_MS: serviceKeys.inboxRetentionMs(),
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
    EXPIRY_RECHECK_INTERVAL_MS: int(100, 86_400_000)
      .default(30_000)
      .describe(
        'How long a hold past its TTL is kept before checkout is asked about its order again, when the order was still in progress or checkout could not answer.',
      ),
    CHECKOUT_URL: z
      .string()
      .url()
      .default('http://127.0.0.1:3000')
      .describe(
        'Base URL of the checkout service: the expiry worker reads an order (GET /v1/orders/:orderId) before giving back a hold past its TTL.',
      ),
    CHECKOUT_POLICY: jsonText
      .default({})
      .describe(
        'Overrides of the `checkout` resilience policy as JSON, e.g. {"attemptTimeoutMs":2000}; defaults: 1 s attempts, 2 attempts, bulkhead 4 (+16 queued), library breaker/budget.',
      ),
    SEED_CATALOGUE: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .default(true)
      .describe('Load the demo catalogue at start-up when the products table is empty.'),
    RATE_LIMIT_PER_CLIENT_PER_SECOND: serviceKeys.rateLimitPerClient(
      'Requests per second one caller (the client address) may make per catalogue route; high by default so a load test is not limited. The reservation routes admit platform services only and are not rate limited.',
    ),
    SERVICE_TOKEN_TRUSTED_KEYS: serviceKeys.serviceTokenTrustedKeys(
      'Callers admitted to the reservation routes: <service>=<Ed25519 public key, base64 SPKI DER>, comma-separated (checkout=…); required.',
    ),
    SERVICE_TOKEN_KEY: serviceKeys.serviceTokenKey(
      "Ed25519 private key (base64 PKCS#8 DER) signing the service tokens of inventory's order reads at checkout (the expiry worker); a secret, required. Its public key goes into checkout's SERVICE_TOKEN_TRUSTED_KEYS as inventory=<key>.",
    ),
    IDEMPOTENCY_LOCK_TIMEOUT_MS: serviceKeys.idempotencyLockTimeout(),
    IDEMPOTENCY_TTL_SECONDS: serviceKeys.idempotencyTtlSeconds(
      'How long an Idempotency-Key and its response are kept.',
    ),
    FAULT_RULES: serviceKeys.faultRules(),
    ADMIN_TOKEN: serviceKeys.adminToken(
      'Bearer token of the admin API (/admin/faults); a secret. Defaults to a development token, refused in production.',
    ),
  })
  .superRefine((config, ctx) => {
    refuseDevelopmentDefaults(config, ctx);
    refuseInvalidKafkaSecurity(config, ctx);
  });

/** The validated inventory configuration. */
export type InventoryConfig = z.infer<typeof inventoryConfigSchema>;
