import { z } from 'zod';
import { secret } from './config-schema';
import { commaList, DEVELOPMENT_ADMIN_TOKEN, envInt, jsonText } from './env-parsers';

// Definitions of the config keys several services share, so each key means, validates and
// defaults the same everywhere. Each service still names every key in its own schema (the key
// names are its public contract, listed in its README and read by scripts/deploy), and passes
// its own description where the key's role differs between services.

/** `NODE_ENV`: development (default), test or production; production refuses dev secrets. */
function nodeEnv(
  description = 'Deployment environment; production refuses the development admin token.',
) {
  return z.enum(['development', 'test', 'production']).default('development').describe(description);
}

/** `DATABASE_URL`: the service's own database, `rc_<service>` on the local server by default. */
function databaseUrl(database: string, description: string) {
  return z
    .string()
    .url()
    .default(`postgres://postgres@127.0.0.1:5432/${database}`)
    .describe(description);
}

/** `DATABASE_POOL_MAX`: 2 to 200 connections, 20 by default. */
function databasePoolMax(description = 'Most Postgres connections this process opens.') {
  return envInt(2, 200).default(20).describe(description);
}

/** `REDIS_URL`: the local Redis by default; `description` says what the service keeps there. */
function redisUrl(description: string) {
  return z.string().url().default('redis://127.0.0.1:6379').describe(description);
}

/** `KAFKA_BROKERS`: comma-separated `host:port` list, the local broker by default. */
function kafkaBrokers() {
  return commaList
    .default(['127.0.0.1:9092'])
    .describe('Kafka bootstrap brokers, comma-separated host:port.');
}

/** `RATE_LIMIT_PER_CLIENT_PER_SECOND`: 1 000 by default, so one load generator is not limited. */
function rateLimitPerClient(
  description = 'Requests per second one client (x-client-id) may make per route; high by default so a load test from one client is not limited.',
) {
  return envInt(1).default(1_000).describe(description);
}

/** `IDEMPOTENCY_TTL_SECONDS`: at least a minute, a day by default. */
function idempotencyTtlSeconds(description: string) {
  return envInt(60)
    .default(24 * 3600)
    .describe(description);
}

/** `IDEMPOTENCY_LOCK_TIMEOUT_MS`: lease of a running request, 30 s by default. */
function idempotencyLockTimeout(
  description = 'Lease of a running idempotent request; must exceed the longest request (its deadline).',
) {
  return envInt(1_000).default(30_000).describe(description);
}

/** `FAULT_RULES`: fault-injection rules at start-up as JSON, none by default. */
function faultRules(
  description = 'Fault-injection rules at start-up, a JSON array (see the resilience docs); none by default.',
) {
  return jsonText.default([]).describe(description);
}

/**
 * `ADMIN_TOKEN`: a secret of at least 16 characters; the development token by default, which
 * {@link refuseDevelopmentDefaults} refuses in production.
 */
function adminToken(description: string) {
  return secret(z.string().min(16)).default(DEVELOPMENT_ADMIN_TOKEN).describe(description);
}

/** `HOUSEKEEPING_INTERVAL_MS`: pause between housekeeping passes, 1 min to 1 day, 5 min by default. */
function housekeepingIntervalMs(
  description = 'Pause between housekeeping passes (outbox, inbox, idempotency keys pruned until drained; db_table_rows).',
) {
  return envInt(60_000, 86_400_000).default(300_000).describe(description);
}

/** `OUTBOX_RETENTION_MS`: published outbox rows kept at least 1 min, 7 days by default. */
function outboxRetentionMs(
  description = 'Published outbox rows older than this are deleted by housekeeping; unpublished rows never.',
) {
  return envInt(60_000)
    .default(7 * 24 * 3_600_000)
    .describe(description);
}

/**
 * `INBOX_RETENTION_MS`: inbox rows kept at least 1 day, 7 days by default — they must outlive
 * every redelivery of their event (topic retention, redrives) or it would be applied twice.
 */
function inboxRetentionMs(
  description = 'Inbox (dedup) rows older than this are pruned; must outlive every redelivery (topic retention). Min 1 day.',
) {
  return envInt(86_400_000)
    .default(7 * 24 * 3_600_000)
    .describe(description);
}

/**
 * The shared key definitions, named by what they define: a schema writes
 * `KAFKA_BROKERS: serviceKeys.kafkaBrokers()`. Each returns a fresh zod schema.
 */
export const serviceKeys = {
  nodeEnv,
  databaseUrl,
  databasePoolMax,
  redisUrl,
  kafkaBrokers,
  rateLimitPerClient,
  idempotencyTtlSeconds,
  idempotencyLockTimeout,
  faultRules,
  adminToken,
  housekeepingIntervalMs,
  outboxRetentionMs,
  inboxRetentionMs,
} as const;

/** The message of a development default left in production. */
const REFUSED = 'must be set in production (the development default is refused)';

/**
 * For a schema's `superRefine`: in production (`NODE_ENV`), each key of `defaults` still equal
 * to its development value is an issue on that key, so the process refuses to start naming it.
 * `ADMIN_TOKEN` is always checked against {@link DEVELOPMENT_ADMIN_TOKEN}.
 */
export function refuseDevelopmentDefaults(
  config: { NODE_ENV: string; ADMIN_TOKEN: string },
  ctx: z.RefinementCtx,
  defaults: Record<string, string> = {},
): void {
  if (config.NODE_ENV !== 'production') return;
  const values = config as unknown as Record<string, unknown>;
  for (const [key, development] of Object.entries({
    ADMIN_TOKEN: DEVELOPMENT_ADMIN_TOKEN,
    ...defaults,
  })) {
    if (values[key] === development)
      ctx.addIssue({ code: 'custom', path: [key], message: REFUSED });
  }
}
