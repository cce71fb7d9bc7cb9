import type { z } from 'zod';
import type { ValidationIssue } from '../contracts.errors';

/** Turns zod issues into value-free {@link ValidationIssue}s, paths prefixed with `prefix`. */
export function toValidationIssues(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.'),
    message: issue.message,
  }));
}

/** One line summarising the first few issues, for error messages. */
export function summarise(issues: readonly ValidationIssue[], max = 3): string {
  const shown = issues.slice(0, max).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  const more = issues.length > max ? ` (+${issues.length - max} more)` : '';
  return shown.join('; ') + more;
}
