import { z } from 'zod';
import {
  customerTokenKeys,
  DEFAULT_CUSTOMER_TOKEN_AUDIENCE,
  DEFAULT_CUSTOMER_TOKEN_ISSUER,
} from '../auth/customer-token';
import { servicePrivateKey, trustedServiceKeys } from '../auth/service-token';
import { secret } from './config-schema';
import { commaList, DEVELOPMENT_ADMIN_TOKEN, envInt, jsonText } from './env-parsers';
import {
  kafkaSaslMechanism,
  kafkaSaslPassword,
  kafkaSaslUsername,
  kafkaSecurityKeys,
  kafkaSecurityProtocol,
  kafkaSslCaFile,
  kafkaSslCertFile,
  kafkaSslKeyFile,
} from './kafka-security-keys';

// Definitions of the config keys several services share, so each key means, validates and
// defaults the same everywhere. Each service still names every key in its own schema (the key
// names are its public contract, listed in its README and read by scripts/deploy), and passes
// its own description where the key's role differs between services. The one exception is the
// group of seven Kafka TLS/SASL keys, checked together and spread in together
// (`...serviceKeys.kafkaSecurity()`, see kafka-security-keys.ts).

/** `NODE_ENV`: development (default), test or production; production refuses dev secrets. */
function nodeEnv(
  description = 'Deployment environment; production refuses the development admin token.',
) {
  return z.enum(['development', 'test', 'production']).default('development').describe(description);
}

/**
 * `DATABASE_URL`: the service's own database, `rc_<service>` on the local server by default,
 * reached as the login role of the same name, which owns that database and can open no other
 * (`npm run infra:up` creates it). No password in the default: the local server trusts loopback
 * connections; where passwords are checked, the URL carries one (and logs show it as `***`).
 */
function databaseUrl(database: string, description: string) {
  return z
    .string()
    .url()
    .default(`postgres://${database}@127.0.0.1:5432/${database}`)
    .describe(description);
}

/**
 * `DATABASE_POOL_MAX`: 2 to 200 connections, 20 by default; a service whose work needs fewer
 * (a consumer applying one event at a time) names its own `defaultMax`, leaving the bounds alone.
 */
function databasePoolMax(
  description = 'Most Postgres connections this process opens.',
  defaultMax = 20,
) {
  return envInt(2, 200).default(defaultMax).describe(description);
}

/**
 * `REDIS_URL`: the state Redis, which never evicts (`noeviction`): carts, rate-limit buckets,
 * the recommendation model. The local one by default; `description` says what the service keeps
 * there. Caches that may be evicted go to a separate Redis (recommendations' `REDIS_CACHE_URL`).
 */
function redisUrl(description: string) {
  return z.string().url().default('redis://127.0.0.1:6379').describe(description);
}

/** `KAFKA_BROKERS`: comma-separated `host:port` list, the local broker by default. */
function kafkaBrokers() {
  return commaList
    .default(['127.0.0.1:9092'])
    .describe('Kafka bootstrap brokers, comma-separated host:port.');
}

/** Default of `KAFKA_FETCH_MAX_WAIT_MS`, ms: kafkajs' own default fetch wait. */
export const DEFAULT_KAFKA_FETCH_MAX_WAIT_MS = 5_000;

/**
 * `KAFKA_FETCH_MAX_WAIT_MS`: longest a consumer's fetch waits on the broker for new messages
 * (kafkajs `maxWaitTimeInMs`), 100 ms to 10 s, {@link DEFAULT_KAFKA_FETCH_MAX_WAIT_MS} (5 s) by
 * default. The trade-off is idle fetch rate against stop time. At rest a consumer sends one empty
 * fetch per wait: the platform at rest (60 s, warm, `bench:checkout --cost-only`) read 3.95 % of
 * one core at 1 s and 3.48 % at 5 s (the broker 1.42 → 1.30, recommendations 0.47 → 0.28,
 * inventory 0.43 → 0.35, analytics 0.37 → 0.30). The price: a stop waits for
 * the fetch in flight, so a SIGTERM takes up to this long more (at 5 s, stops measured 4.0 s for
 * analytics, 4.3 s recommendations, 2.5 s inventory), and an idle member hears of a rebalance
 * only after its fetch. A consumer with `minBytes` above 1 (analytics, recommendations) also
 * leaves an event up to this long in Kafka when traffic is light; under load nothing changes (a
 * fetch answers once `minBytes` have gathered). At most 10 s: kafkajs heartbeats only between
 * fetches, and the consumers' session times out after 30 s. The test platforms set 1 s: they
 * stop and restart services often.
 */
function kafkaFetchMaxWaitMs(
  description = 'Longest a Kafka fetch waits on the broker for new messages, ms; a stop (SIGTERM) waits for the fetch in flight: shorter stops sooner, longer sends fewer empty fetches at rest.',
) {
  return envInt(100, 10_000).default(DEFAULT_KAFKA_FETCH_MAX_WAIT_MS).describe(description);
}

/** `RATE_LIMIT_PER_CLIENT_PER_SECOND`: 1 000 by default, so one load generator is not limited. */
function rateLimitPerClient(
  description = 'Requests per second one caller may make per route (the signed-in customer, the calling service, else the client address); high by default so a load test is not limited.',
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

/** A zod string whose value `parse` accepts; its error message becomes the config issue. */
function parsedBy(parse: (value: string) => unknown) {
  return z
    .string()
    .min(1)
    .superRefine((value, ctx) => {
      try {
        parse(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    });
}

/**
 * `SERVICE_TOKEN_KEY`: the calling service's Ed25519 private key (base64 PKCS#8 DER), which signs
 * its service tokens; a secret, required (`scripts/gen-env.mjs` and `npm start` generate one).
 */
function serviceTokenKey(
  description = "Ed25519 private key (base64 PKCS#8 DER) signing this service's service tokens; a secret, required.",
) {
  return secret(parsedBy(servicePrivateKey).describe(description));
}

/**
 * `SERVICE_TOKEN_TRUSTED_KEYS`: `<service>=<base64 SPKI public key>,…`, the callers whose service
 * tokens this service accepts on its internal routes; required.
 */
function serviceTokenTrustedKeys(
  description = 'Callers admitted to the internal routes: <service>=<Ed25519 public key, base64 SPKI DER>, comma-separated; required.',
) {
  return parsedBy(trustedServiceKeys).describe(description);
}

/**
 * The three customer-token keys of a service that authenticates customers, as a shape to spread
 * (`...serviceKeys.customerTokens()`): the identity provider's public keys (required, no
 * development default: `npm start` and the test platforms generate theirs), issuer and audience.
 */
function customerTokens() {
  return {
    CUSTOMER_TOKEN_PUBLIC_KEYS: parsedBy(customerTokenKeys).describe(
      "Identity provider's Ed25519 public keys (base64 SPKI DER), comma-separated (two during a rotation; tokens name theirs by kid); required.",
    ),
    CUSTOMER_TOKEN_ISSUER: z
      .string()
      .min(1)
      .default(DEFAULT_CUSTOMER_TOKEN_ISSUER)
      .describe('The iss every accepted customer token carries.'),
    CUSTOMER_TOKEN_AUDIENCE: z
      .string()
      .min(1)
      .default(DEFAULT_CUSTOMER_TOKEN_AUDIENCE)
      .describe('The aud every accepted customer token carries.'),
  } as const;
}

/**
 * The shared key definitions, named by what they define: a schema writes
 * `KAFKA_BROKERS: serviceKeys.kafkaBrokers()`. Each returns a fresh zod schema, but for
 * `kafkaSecurity`, which returns the seven Kafka TLS/SASL keys as a shape to spread:
 * `...serviceKeys.kafkaSecurity()`.
 */
export const serviceKeys = {
  nodeEnv,
  databaseUrl,
  databasePoolMax,
  redisUrl,
  kafkaBrokers,
  kafkaFetchMaxWaitMs,
  kafkaSecurity: kafkaSecurityKeys,
  kafkaSecurityProtocol,
  kafkaSaslMechanism,
  kafkaSaslUsername,
  kafkaSaslPassword,
  kafkaSslCaFile,
  kafkaSslCertFile,
  kafkaSslKeyFile,
  rateLimitPerClient,
  idempotencyTtlSeconds,
  idempotencyLockTimeout,
  faultRules,
  adminToken,
  housekeepingIntervalMs,
  outboxRetentionMs,
  inboxRetentionMs,
  serviceTokenKey,
  serviceTokenTrustedKeys,
  customerTokens,
} as const;

/** The message of a development default left in production. */
const REFUSED = 'must be set in production (the development default is refused)';
/** The message of a production DATABASE_URL that connects as the superuser. */
const SUPERUSER_REFUSED =
  "must connect as the service's own role in production, not as the superuser postgres";

/**
 * For a schema's `superRefine`: in production (`NODE_ENV`), each key of `defaults` still equal
 * to its development value is an issue on that key, so the process refuses to start naming it.
 * `ADMIN_TOKEN` is always checked against {@link DEVELOPMENT_ADMIN_TOKEN}, and a `DATABASE_URL`
 * connecting as `postgres` is refused: a service owns one database and may open no other.
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
  refuseSuperuserDatabase(config, ctx);
}

/**
 * For a schema's `superRefine` (included in {@link refuseDevelopmentDefaults}): in production,
 * a `DATABASE_URL` connecting as the superuser `postgres` is an issue on that key — a service
 * connects as its own role, which owns its database and can open no other.
 */
export function refuseSuperuserDatabase(
  config: { NODE_ENV: string; DATABASE_URL?: string },
  ctx: z.RefinementCtx,
): void {
  const url = config.DATABASE_URL;
  if (config.NODE_ENV !== 'production' || url === undefined || !URL.canParse(url)) return;
  if (decodeURIComponent(new URL(url).username) === 'postgres')
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: SUPERUSER_REFUSED });
}
