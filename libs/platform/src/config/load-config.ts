import { createHash } from 'node:crypto';
import { z } from 'zod';
import { withoutUrlPassword } from '../logging/redact';
import { describeKey, isSecret } from './config-schema';

/**
 * Thrown when configuration does not match the service's schema. Its message names every bad
 * key with what is wrong and the key's documentation; the bootstrap prints it and exits 1.
 */
export class ConfigError extends Error {
  readonly code = 'PLATFORM.INVALID_CONFIG';
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration, refusing to start:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * Validates `env` (by default the process environment — this module is the one place that reads
 * it) against `schema` and returns the typed config, or throws {@link ConfigError}.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.');
    const field = (schema.shape as Record<string, z.ZodType | undefined>)[key];
    const description = field && describeKey(field);
    const doc = description ? ` (${description})` : '';
    const got = field && isSecret(field) ? '' : describeValue(env[key]);
    return `${key}: ${issue.message}${got}${doc}`;
  });
  throw new ConfigError(problems);
}

function describeValue(value: string | undefined): string {
  if (value === undefined) return '';
  const safe = withoutUrlPassword(value);
  const shown = safe.length > 40 ? `${safe.slice(0, 40)}…` : safe;
  return `, got ${JSON.stringify(shown)}`;
}

/**
 * A copy of `config` safe to log: values of keys marked `secret()` become `***`, and passwords
 * inside URLs (`postgres://user:pw@host`) become `***` wherever they appear.
 */
export function redactConfig<S extends z.ZodObject>(
  schema: S,
  config: z.infer<S>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    const field = (schema.shape as Record<string, z.ZodType | undefined>)[key];
    out[key] = field && isSecret(field) ? '***' : redactUrls(value);
  }
  return out;
}

function redactUrls(value: unknown): unknown {
  if (typeof value === 'string') return withoutUrlPassword(value);
  if (Array.isArray(value)) return value.map(redactUrls);
  return value;
}

/**
 * Keys that legitimately differ between replicas of one service (where each listens), so they
 * are not part of {@link configHash}.
 */
export const PER_INSTANCE_CONFIG_KEYS: ReadonlySet<string> = new Set([
  'PORT',
  'HOST',
  'ADMIN_PORT',
  'ADMIN_HOST',
]);

/**
 * A short, stable hash of the effective config (keys sorted), exported as the `config_hash`
 * label of `service_info`: replicas of one service must agree on it. Per-instance keys
 * ({@link PER_INSTANCE_CONFIG_KEYS}) are left out. Secrets take part through a SHA-256 digest of
 * their value: a secret that differs between replicas (a fingerprint key rotated on only one of
 * them breaks idempotency across them) is drift too, and the metric only ever carries a
 * truncated one-way hash.
 */
export function configHash<S extends z.ZodObject>(schema: S, config: z.infer<S>): string {
  const entries = Object.entries(config as Record<string, unknown>)
    .filter(([key]) => !PER_INSTANCE_CONFIG_KEYS.has(key))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => {
      const field = (schema.shape as Record<string, z.ZodType | undefined>)[key];
      if (!field || !isSecret(field)) return [key, value];
      const digest = createHash('sha256')
        .update(JSON.stringify(value ?? null))
        .digest('hex');
      return [key, `sha256:${digest}`];
    });
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 12);
}
