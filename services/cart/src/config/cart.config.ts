import { refuseInvalidKafkaSecurity } from '@rc/messaging';
import { platformConfigSchema, refuseDevelopmentDefaults, serviceKeys } from '@rc/platform';
import { z } from 'zod';

/**
 * Configuration of the cart service: every key documented, every key with a default that
 * works on a developer machine (`npm start`). Read once at start-up by the platform bootstrap;
 * a bad value refuses to start, naming the key.
 */
export const cartConfigSchema = platformConfigSchema
  .extend({
    SERVICE_NAME: z.string().min(1).default('cart').describe('Name in logs, metrics and traces.'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3001).describe('HTTP port.'),
    NODE_ENV: serviceKeys.nodeEnv(),
    REDIS_URL: serviceKeys.redisUrl('Redis holding the carts.'),
    REDIS_COMMAND_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .positive()
      .default(250)
      .describe('Longest wait for one Redis command before the request fails with 503.'),
    REDIS_CONNECT_WAIT_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(3_000)
      .describe(
        'At start-up, how long to wait for the first Redis connection before serving anyway (not ready).',
      ),
    CART_KEY_PREFIX: z
      .string()
      .min(1)
      .default('cart:')
      .describe('Prefix of cart keys (`cart:{cartId}`).'),
    CART_TTL_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(7 * 24 * 3600)
      .describe('Idle lifetime of a cart; every write pushes its expiry this far out.'),
    CART_MAX_LINES: z.coerce
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(100)
      .describe('Most distinct SKUs in one cart (422 CART.TOO_MANY_LINES beyond).'),
    KAFKA_BROKERS: serviceKeys.kafkaBrokers(),
    ...serviceKeys.kafkaSecurity(),
    ...serviceKeys.customerTokens(),
    CART_EVENTS_TOPIC: z
      .string()
      .min(1)
      .default('carts')
      .describe('Topic of CartItemAdded/CartItemRemoved.'),
    CART_EVENTS_BUFFER_CAPACITY: z.coerce
      .number()
      .int()
      .min(1)
      .default(10_000)
      .describe(
        'Events held in memory while Kafka is slow or down; beyond it the oldest are dropped (counted).',
      ),
    CART_EVENTS_BATCH_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(100)
      .describe('Events per produce request.'),
    CART_EVENTS_LINGER_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(20)
      .describe('How long a partial batch waits for more events.'),
    CART_EVENTS_DRAIN_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(2_000)
      .describe('At shutdown, longest time spent publishing what is still buffered.'),
    IDEMPOTENCY_TTL_SECONDS: serviceKeys.idempotencyTtlSeconds(
      'How long an Idempotency-Key and its stored response are kept (Redis).',
    ),
    RATE_LIMIT_PER_CLIENT_PER_SECOND: serviceKeys.rateLimitPerClient(),
    FAULT_RULES: serviceKeys.faultRules(),
    ADMIN_TOKEN: serviceKeys.adminToken(
      'Bearer token of the admin API (/admin/faults). Required in production.',
    ),
  })
  .superRefine((config, ctx) => {
    refuseDevelopmentDefaults(config, ctx);
    refuseInvalidKafkaSecurity(config, ctx);
  });

/** The validated cart configuration. */
export type CartConfig = z.infer<typeof cartConfigSchema>;
