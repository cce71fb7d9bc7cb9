/**
 * Base class of every domain and application error a service raises. `code` is stable and
 * namespaced (`CHECKOUT.PAYMENT_DECLINED`); `httpStatus` is how the edge answers it; `message`
 * must be safe to show a client; `meta` holds safe, structured details that go into the
 * problem+json body (never secrets or card data). `cause` keeps the underlying error for logs.
 */
export abstract class AppError extends Error {
  /** Marker so `isAppError` works across two copies of this package. */
  readonly isAppError = true as const;
  abstract readonly code: string;
  abstract readonly httpStatus: number;
  /** Safe, structured details for the client. */
  readonly meta: Record<string, unknown>;
  /** Suggested wait before retrying, rendered as `Retry-After`. */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    options?: { cause?: unknown; meta?: Record<string, unknown>; retryAfterMs?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.meta = options?.meta ?? {};
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** True for an {@link AppError} from any copy of this package. */
export function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null && (e as { isAppError?: unknown }).isAppError === true;
}

/** 400 with per-field details; raised by the zod validation pipe. */
export class ValidationFailedError extends AppError {
  readonly code = 'HTTP.VALIDATION_FAILED';
  readonly httpStatus = 400;
  constructor(where: string, errors: { path: string; message: string }[]) {
    super(`The request ${where} is invalid.`, { meta: { errors } });
  }
}
