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

/**
 * Configuration of the cart service: every key documented, every key with a default that
 * works on a developer machine (`npm start`). Read once at start-up by the platform bootstrap;
 * a bad value refuses to start, naming the key.
 */
export const cartConfigSchema = platformConfigSchema
  .extend({
    SERVICE_NAME: z.string().min(1).describe('Name in logs, metrics and traces.').default('cart'),
    PORT: z.coerce.number().int().min(0).max(65535).describe('HTTP port.').default(3001),
    NODE_ENV: z
      .enum(['development', 'test', 'production'])
      .describe('Deployment environment; production refuses the development admin token.')
      .default('development'),
    REDIS_URL: z
      .string()
      .url()
      .describe('Redis holding the carts.')
      .default('redis://127.0.0.1:6379'),
    REDIS_COMMAND_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .positive()
      .describe('Longest wait for one Redis command before the request fails with 503.')
      .default(250),
    REDIS_CONNECT_WAIT_MS: z.coerce
      .number()
      .int()
      .min(0)
      .describe(
        'At start-up, how long to wait for the first Redis connection before serving anyway (not ready).',
      )
      .default(3_000),
    CART_KEY_PREFIX: z
      .string()
      .min(1)
      .describe('Prefix of cart keys (`cart:{cartId}`).')
      .default('cart:'),
    CART_TTL_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .describe('Idle lifetime of a cart; every write pushes its expiry this far out.')
      .default(7 * 24 * 3600),
    CART_MAX_LINES: z.coerce
      .number()
      .int()
      .min(1)
      .max(1000)
      .describe('Most distinct SKUs in one cart (422 CART.TOO_MANY_LINES beyond).')
      .default(100),
    KAFKA_BROKERS: commaList
      .describe('Kafka bootstrap brokers, comma-separated host:port.')
      .default(['127.0.0.1:9092']),
    CART_EVENTS_TOPIC: z
      .string()
      .min(1)
      .describe('Topic of CartItemAdded/CartItemRemoved.')
      .default('carts'),
    CART_EVENTS_BUFFER_CAPACITY: z.coerce
      .number()
      .int()
      .min(1)
      .describe(
        'Events held in memory while Kafka is slow or down; beyond it the oldest are dropped (counted).',
      )
      .default(10_000),
    CART_EVENTS_BATCH_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(10_000)
      .describe('Events per produce request.')
      .default(100),
    CART_EVENTS_LINGER_MS: z.coerce
      .number()
      .int()
      .min(0)
      .describe('How long a partial batch waits for more events.')
      .default(20),
    CART_EVENTS_DRAIN_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(0)
      .describe('At shutdown, longest time spent publishing what is still buffered.')
      .default(2_000),
    IDEMPOTENCY_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .describe('How long an Idempotency-Key and its stored response are kept (Redis).')
      .default(24 * 3600),
    RATE_LIMIT_PER_CLIENT_PER_SECOND: z.coerce
      .number()
      .int()
      .min(1)
      .describe(
        'Requests per second one client (x-client-id) may make per route; high by default so a load test from one client is not limited.',
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
  });

/** The validated cart configuration. */
export type CartConfig = z.infer<typeof cartConfigSchema>;
