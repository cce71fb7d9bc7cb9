import { refuseInvalidKafkaSecurity } from '@rc/messaging';
import {
  commaList,
  envBoolean,
  envInt as int,
  jsonText,
  platformConfigSchema,
  refuseDevelopmentDefaults,
  secret,
  serviceKeys,
} from '@rc/platform';
import { z } from 'zod';

/** Fingerprint key used when none is configured: accepted outside production only. */
export const DEVELOPMENT_FINGERPRINT_KEY = 'dev-fingerprint-key-change-me';

const jsonObject = jsonText.pipe(z.record(z.string(), z.unknown()));
const url = (what: string, value: string) => z.string().url().default(value).describe(what);

/**
 * Configuration of the checkout service (tier 1). Every key is documented and defaulted for a
 * developer machine; a bad value refuses to start, naming the key. The README's config table is
 * this schema.
 */
export const checkoutConfigSchema = platformConfigSchema
  .extend({
    SERVICE_NAME: z
      .string()
      .min(1)

      .default('checkout')
      .describe('Name in logs, metrics and traces.'),
    PORT: int(0).max(65535).default(3000).describe('HTTP port.'),
    NODE_ENV: serviceKeys.nodeEnv(),
    DATABASE_URL: serviceKeys.databaseUrl(
      'rc_checkout',
      'Postgres database of orders, idempotency keys and the outbox.',
    ),
    DATABASE_POOL_MAX: serviceKeys.databasePoolMax('Connections in the Postgres pool.'),
    REDIS_URL: serviceKeys.redisUrl(
      'Redis of the per-client rate limiter (checkout runs without it: fail-open).',
    ),
    KAFKA_BROKERS: serviceKeys.kafkaBrokers(),
    ...serviceKeys.kafkaSecurity(),
    ...serviceKeys.customerTokens(),
    OUTBOX_RELAY_ENABLED: envBoolean

      .default(true)
      .describe(
        'Run the outbox relay (one leader among the replicas publishes OrderPlaced/OrderFailed).',
      ),
    HOUSEKEEPING_INTERVAL_MS: serviceKeys.housekeepingIntervalMs(),
    OUTBOX_RETENTION_MS: serviceKeys.outboxRetentionMs(),
    INVENTORY_URL: url(
      'Base URL of the inventory service (prices, reservations).',
      'http://127.0.0.1:3003',
    ),
    PAYMENT_URL: url(
      'Base URL of the payment service (charges, refunds).',
      'http://127.0.0.1:3002',
    ),
    CART_URL: url('Base URL of the cart service.', 'http://127.0.0.1:3001'),
    RECOMMENDATIONS_URL: url('Base URL of the recommendations service.', 'http://127.0.0.1:3004'),
    OUTBOUND_POLICIES_JSON: jsonObject

      .default({})
      .describe(
        'Overrides of the outbound policies per dependency (inventory, payment, cart, recommendations), JSON, key by key; see the README policy table.',
      ),
    CHECKOUT_DEFAULT_DEADLINE_MS: int(100)
      .default(3_000)
      .describe('Budget of a checkout whose caller sent no x-request-timeout-ms.'),
    CHECKOUT_MAX_DEADLINE_MS: int(100)
      .default(10_000)
      .describe('Largest budget a caller may ask for (x-request-timeout-ms is clamped to it).'),
    CHECKOUT_COMPENSATION_RESERVE_MS: int(0)
      .default(300)
      .describe(
        'Part of the checkout budget kept back from the reserve and charge calls, so a dependency hanging until the deadline still leaves time to release stock and look for a capture.',
      ),
    CHECKOUT_MAX_LINES: int(1)
      .max(100)

      .default(50)
      .describe('Most order lines (SKUs) in one checkout.'),
    CATALOG_PRICE_TTL_MS: int(0)
      .max(600_000)
      .default(5_000)
      .describe(
        'How long a catalogue price read from inventory prices later checkouts (a price change reaches orders at most this late); 0 asks inventory for every line.',
      ),
    CATALOG_PRICE_CACHE_MAX: int(1)
      .max(1_000_000)
      .default(10_000)
      .describe('Most SKUs whose price checkout keeps (least recently used first out).'),
    RECOMMENDATIONS_LIMIT: int(1)
      .max(20)

      .default(4)
      .describe('Recommendations returned with a confirmed order.'),
    RECOMMENDATIONS_TTL_MS: int(0)
      .max(600_000)
      .default(5_000)
      .describe(
        'How long an answer of the recommendations service serves later orders of the same SKUs (they are learnt from Kafka events seconds after each order anyway); 0 asks the service for every order. Fallback answers are never kept.',
      ),
    RECOMMENDATIONS_CACHE_MAX: int(1)
      .max(1_000_000)
      .default(10_000)
      .describe(
        'Most SKU sets whose recommendations checkout keeps (least recently used first out).',
      ),
    RECOMMENDATIONS_FALLBACK_SKUS: commaList

      .default([
        'FUEL-CAN-230',
        'SOCK-MERINO-3',
        'BOTTLE-STEEL-1L',
        'LAMP-HEAD-400',
        'FILTER-SQZ',
        'KIT-FIRST-AID',
      ])
      .describe(
        'Static best-sellers answered when recommendations are slow or down (comma-separated SKUs).',
      ),
    RECOVERY_ENABLED: envBoolean.default(true).describe('Run the recovery worker in this replica.'),
    RECOVERY_INTERVAL_MS: int(100).default(5_000).describe('Pause between two recovery passes.'),
    RECOVERY_STALE_AFTER_MS: int(1_000)
      .default(30_000)
      .describe(
        'An unfinished order untouched this long is taken over by the recovery worker. Must exceed CHECKOUT_MAX_DEADLINE_MS plus the longest a charge can stay in flight at payment.',
      ),
    RECOVERY_BATCH_SIZE: int(1)
      .max(1_000)

      .default(50)
      .describe('Most orders recovered in one pass.'),
    RECOVERY_ORDER_BUDGET_MS: int(100)
      .default(5_000)
      .describe('Time budget of the calls (release, refund) made to recover one order.'),
    IDEMPOTENCY_LOCK_TIMEOUT_MS: serviceKeys.idempotencyLockTimeout(
      'Lease of an in-flight Idempotency-Key; must exceed CHECKOUT_MAX_DEADLINE_MS or a slow request could run twice.',
    ),
    IDEMPOTENCY_TTL_MS: int(60_000)
      .default(24 * 3_600_000)
      .describe('How long an Idempotency-Key and its response are kept.'),
    RATE_LIMIT_PER_CLIENT_PER_SECOND: serviceKeys.rateLimitPerClient(
      'Requests per second per route one caller may make (the signed-in customer; inventory for order reads); high by default so a load test is not limited.',
    ),
    FAULT_RULES: serviceKeys.faultRules(),
    ADMIN_TOKEN: serviceKeys.adminToken(
      'Bearer token of the admin API (/admin/faults); a secret. Required in production.',
    ),
    SERVICE_TOKEN_KEY: serviceKeys.serviceTokenKey(
      'Ed25519 private key (base64 PKCS#8 DER) signing the service tokens checkout sends to inventory and payment; a secret, required. Its public key goes into their SERVICE_TOKEN_TRUSTED_KEYS as checkout=<key>.',
    ),
    SERVICE_TOKEN_TRUSTED_KEYS: serviceKeys.serviceTokenTrustedKeys(
      'Services admitted to the order reads besides the customers: <service>=<Ed25519 public key, base64 SPKI DER>, comma-separated (inventory=…, whose expiry worker reads orders); required.',
    ),
    RESILIENCE_PIPELINE_ENABLED: envBoolean
      .default(true)
      .describe(
        'false switches the resilience pipeline off — no request deadline, inbound shedding or rate limiting; outbound calls: one attempt, no breaker, bulkhead or retry budget, a 30 s attempt timeout. The baseline of the on/off benchmark only; refused in production.',
      ),
    IDEMPOTENCY_FINGERPRINT_KEY: secret(z.string().min(16))
      .default(DEVELOPMENT_FINGERPRINT_KEY)
      .describe(
        'HMAC key of the Idempotency-Key request fingerprints (checkout bodies carry the card token); a secret, the same on every replica. Required in production.',
      ),
  })
  .superRefine((config, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    refuseDevelopmentDefaults(config, ctx, {
      IDEMPOTENCY_FINGERPRINT_KEY: DEVELOPMENT_FINGERPRINT_KEY,
    });
    refuseInvalidKafkaSecurity(config, ctx);
    // Without the deadline a checkout may outlive RECOVERY_STALE_AFTER_MS and its key lease.
    if (config.NODE_ENV === 'production' && !config.RESILIENCE_PIPELINE_ENABLED)
      issue(
        'RESILIENCE_PIPELINE_ENABLED',
        'must stay true in production (false is the benchmark baseline without deadline, shedding, retries or breakers)',
      );
    if (config.CHECKOUT_DEFAULT_DEADLINE_MS > config.CHECKOUT_MAX_DEADLINE_MS)
      issue(
        'CHECKOUT_DEFAULT_DEADLINE_MS',
        `must be <= CHECKOUT_MAX_DEADLINE_MS (${config.CHECKOUT_MAX_DEADLINE_MS})`,
      );
    if (config.CHECKOUT_COMPENSATION_RESERVE_MS >= config.CHECKOUT_DEFAULT_DEADLINE_MS)
      issue(
        'CHECKOUT_COMPENSATION_RESERVE_MS',
        `must be < CHECKOUT_DEFAULT_DEADLINE_MS (${config.CHECKOUT_DEFAULT_DEADLINE_MS})`,
      );
    if (config.RECOVERY_STALE_AFTER_MS <= config.CHECKOUT_MAX_DEADLINE_MS)
      issue(
        'RECOVERY_STALE_AFTER_MS',
        `must be > CHECKOUT_MAX_DEADLINE_MS (${config.CHECKOUT_MAX_DEADLINE_MS}): a live checkout must never be taken over`,
      );
    if (config.IDEMPOTENCY_LOCK_TIMEOUT_MS <= config.CHECKOUT_MAX_DEADLINE_MS)
      issue(
        'IDEMPOTENCY_LOCK_TIMEOUT_MS',
        `must be > CHECKOUT_MAX_DEADLINE_MS (${config.CHECKOUT_MAX_DEADLINE_MS}): a key lease must outlive its request`,
      );
  });

/** The validated checkout configuration. */
export type CheckoutConfig = z.infer<typeof checkoutConfigSchema>;
