import { z } from 'zod';

/**
 * Admin token every service accepts when none is configured — in development only: each
 * service's schema refuses it when NODE_ENV is `production`.
 */
export const DEVELOPMENT_ADMIN_TOKEN = 'dev-admin-token-change-me';

/** A comma-separated environment value as a list of trimmed, non-empty strings. */
export const commaList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** An environment value holding JSON; invalid JSON is a config error naming the key. */
export const jsonText = z.string().transform((text, ctx): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
    return z.NEVER;
  }
});

/** An integer from an environment string, within `[min, max]`. */
export const envInt = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max);
