/**
 * Base class of every error the toolkit raises. `code` is stable (safe to branch on, log and map
 * to HTTP); the marker property lets `isResilienceError` work across two copies of the package.
 */
export abstract class ResilienceError extends Error {
  /** Marker checked by {@link isResilienceError}. */
  readonly isResilienceError = true as const;
  /** Stable, dot-separated error code, e.g. `RESILIENCE.CIRCUIT_OPEN`. */
  abstract readonly code: string;
  /** Whether a caller may retry the same call later (used by retry classification). */
  abstract readonly transient: boolean;
  /** Suggested wait before trying again, in milliseconds, when the error knows one. */
  readonly retryAfterMs?: number;

  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** True when `e` is a {@link ResilienceError} from any copy of this package. */
export function isResilienceError(e: unknown): e is ResilienceError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { isResilienceError?: unknown }).isResilienceError === true
  );
}
