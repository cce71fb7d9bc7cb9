import type { z } from 'zod';
import { ResilienceError } from '../resilience.errors';

/**
 * Raised when a policy or a piece of the toolkit is configured with invalid values. Every issue
 * names the full key that is wrong (e.g. `dependencies.payment.retry.maxAttempts`), so a service
 * can refuse to start with a message that tells the operator exactly what to fix.
 */
export class ResilienceConfigError extends ResilienceError {
  readonly code = 'RESILIENCE.INVALID_CONFIG';
  readonly transient = false;

  constructor(
    /** One line per problem: `<key>: <what is wrong>`. */
    readonly issues: readonly string[],
  ) {
    super(`Invalid resilience configuration: ${issues.join('; ')}`);
  }
}

/**
 * Parses `input` with `schema` and throws a {@link ResilienceConfigError} whose issues are
 * prefixed with `prefix` (the key of this block in the caller's configuration).
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ResilienceConfigError(
    result.error.issues.map((issue) => {
      const key = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
      return `${key || '(root)'}: ${issue.message}`;
    }),
  );
}
