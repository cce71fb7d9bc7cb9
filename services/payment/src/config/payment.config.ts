import { refuseInvalidKafkaSecurity } from '@rc/messaging';
import {
  envBoolean,
  envInt as int,
  jsonText,
  platformConfigSchema,
  refuseDevelopmentDefaults,
  secret,
  serviceKeys,
} from '@rc/platform';
import { policyConfigSchema, type PolicyConfigInput } from '@rc/resilience';
import { z } from 'zod';

export const DEVELOPMENT_FINGERPRINT_SECRET = 'dev-token-fingerprint-secret-change-me';

/**
 * The `provider` policy unless PROVIDER_POLICY overrides keys of it: an attempt may take 800 ms
 * and is retried once (safe: the payment id is the provider's idempotency key), so a charge
 * gives up within ~1.7 s — inside checkout's own attempt budget for the payment call. Breaker,
 * bulkhead and retry budget keep the library defaults (see libs/resilience/README.md).
 */
export const PROVIDER_POLICY_DEFAULTS: PolicyConfigInput = {
  attemptTimeoutMs: 800,
  retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 200 },
};

/** PROVIDER_POLICY_DEFAULTS with `override`'s keys on top (one level deep per section). */
export function providerPolicy(override: unknown): PolicyConfigInput {
  const o = (override ?? {}) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...PROVIDER_POLICY_DEFAULTS, ...o };
  for (const section of ['retry', 'breaker', 'bulkhead', 'budget'] as const) {
    const base = (PROVIDER_POLICY_DEFAULTS as Record<string, unknown>)[section];
    if (typeof base === 'object' && typeof o[section] === 'object') {
      merged[section] = { ...base, ...(o[section] as object) };
    }
  }
  return merged;
}

/**
 * Configuration of the payment service: every key documented, every key with a default that
 * works on a developer machine (`npm start`). Validated once at start-up by the platform
 * bootstrap; a bad value refuses to start, naming the key.
 */
export const paymentConfigSchema = platformConfigSchema
  .extend({
    SERVICE_NAME: z
      .string()
      .min(1)
      .default('payment')
      .describe('Name in logs, metrics and traces.'),
    PORT: int(0, 65_535).default(3002).describe('HTTP port.'),
    NODE_ENV: serviceKeys.nodeEnv(
      'Deployment environment; production refuses the development secrets.',
    ),
    DATABASE_URL: serviceKeys.databaseUrl(
      'rc_payment',
      'Postgres database owned by this service (payments, refunds, outbox).',
    ),
    DATABASE_POOL_MAX: serviceKeys.databasePoolMax(),
    KAFKA_BROKERS: serviceKeys.kafkaBrokers(),
    ...serviceKeys.kafkaSecurity(),
    HOUSEKEEPING_INTERVAL_MS: serviceKeys.housekeepingIntervalMs(),
    OUTBOX_RETENTION_MS: serviceKeys.outboxRetentionMs(),
    PAYMENTS_TOPIC: z
      .string()
      .min(1)
      .default('payments')
      .describe(
        'Topic of PaymentCaptured/PaymentFailed/PaymentRefunded (produced through the outbox).',
      ),
    TOKEN_FINGERPRINT_SECRET: secret(z.string().min(16))
      .default(DEVELOPMENT_FINGERPRINT_SECRET)
      .describe(
        'HMAC key of the card-token fingerprints stored with payments; a secret. Defaults to a development value, refused in production.',
      ),
    PROVIDER_POLICY: jsonText
      .default({})
      .describe(
        'Overrides of the `provider` resilience policy as JSON, e.g. {"attemptTimeoutMs":1500,"retry":{"maxAttempts":3}}; defaults: 800 ms attempts, 2 attempts, library breaker/bulkhead/budget.',
      ),
    AUTHORIZATION_STALE_AFTER_MS: int(1_000)
      .default(30_000)
      .describe(
        "After this long an AUTHORIZED payment's request counts as dead: the reconciliation worker settles it from a lookup, or a retry of the same charge resumes it.",
      ),
    RECONCILIATION_ENABLED: envBoolean
      .default(true)
      .describe(
        'Run the reconciliation worker (unknown charge outcomes, stale claims, pending refunds) in this replica.',
      ),
    RECONCILIATION_INTERVAL_MS: int(100)
      .default(5_000)
      .describe(
        'Pause between two reconciliation passes; each pass is one indexed query per queue when there is nothing to do.',
      ),
    RECONCILIATION_BATCH_SIZE: int(1, 1_000)
      .default(20)
      .describe('Most payments, and most pending refunds, one reconciliation pass handles.'),
    RECONCILIATION_BACKOFF_BASE_MS: int(100)
      .default(5_000)
      .describe(
        'First wait before a payment or refund the provider could not answer for is tried again; doubles per attempt. Must exceed one provider call (about 2 s with the default policy).',
      ),
    RECONCILIATION_BACKOFF_MAX_MS: int(100)
      .default(300_000)
      .describe('Longest wait between two tries of one payment or refund.'),
    SERVICE_TOKEN_TRUSTED_KEYS: serviceKeys.serviceTokenTrustedKeys(
      'Callers admitted to every payment route: <service>=<Ed25519 public key, base64 SPKI DER>, comma-separated (checkout=…); required.',
    ),
    IDEMPOTENCY_LOCK_TIMEOUT_MS: serviceKeys.idempotencyLockTimeout(),
    IDEMPOTENCY_TTL_SECONDS: serviceKeys.idempotencyTtlSeconds(
      'How long an Idempotency-Key and its response (a decline included) are kept.',
    ),
    FAULT_RULES: serviceKeys.faultRules(
      'Fault-injection rules at start-up, a JSON array (see the resilience docs; dependency `provider`); none by default.',
    ),
    ADMIN_TOKEN: serviceKeys.adminToken(
      'Bearer token of the admin API (/admin/faults); a secret. Defaults to a development token, refused in production.',
    ),
  })
  .superRefine((config, ctx) => {
    refuseDevelopmentDefaults(config, ctx, {
      TOKEN_FINGERPRINT_SECRET: DEVELOPMENT_FINGERPRINT_SECRET,
    });
    refuseInvalidKafkaSecurity(config, ctx);
    if (config.RECONCILIATION_BACKOFF_MAX_MS < config.RECONCILIATION_BACKOFF_BASE_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['RECONCILIATION_BACKOFF_MAX_MS'],
        message: 'must be at least RECONCILIATION_BACKOFF_BASE_MS',
      });
    }
    const policy = policyConfigSchema.safeParse(providerPolicy(config.PROVIDER_POLICY));
    if (!policy.success) {
      const issues = policy.error.issues.map(
        (i) => `${i.path.join('.') || '(root)'}: ${i.message}`,
      );
      ctx.addIssue({
        code: 'custom',
        path: ['PROVIDER_POLICY'],
        message: `invalid policy: ${issues.join('; ')}`,
      });
    }
  });

/** The validated payment configuration. */
export type PaymentConfig = z.infer<typeof paymentConfigSchema>;
