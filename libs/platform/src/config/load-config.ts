import { createHash } from 'node:crypto';
import { z } from 'zod';
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
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return `, got ${JSON.stringify(shown)}`;
}

/** A copy of `config` safe to log: values of keys marked `secret()` become `***`. */
export function redactConfig<S extends z.ZodObject>(
  schema: S,
  config: z.infer<S>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    const field = (schema.shape as Record<string, z.ZodType | undefined>)[key];
    out[key] = field && isSecret(field) ? '***' : value;
  }
  return out;
}

/**
 * A short, stable hash of the effective config (secrets redacted, keys sorted), exported as the
 * `config_hash` label of `service_info`: replicas of one service must agree on it.
 */
export function configHash<S extends z.ZodObject>(schema: S, config: z.infer<S>): string {
  const redacted = redactConfig(schema, config);
  const canonical = JSON.stringify(
    Object.keys(redacted)
      .sort()
      .map((k) => [k, redacted[k]]),
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}
