/** HTTP methods the client sends. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Query parameters; undefined values are left out. */
export type QueryParams = Readonly<Record<string, string | number | boolean | undefined>>;

/** One request through {@link ResilientHttpClient.request}. */
export interface HttpRequestOptions<T> {
  method?: HttpMethod;
  /** Path relative to the client's base URL, e.g. `/v1/reservations`. */
  path: string;
  /**
   * The path's route template, e.g. `/v1/reservations/:orderId/release`: names the attempt's
   * CLIENT span and is its `url.template`. Without it the span is named by the method alone
   * (a concrete path holds ids, which would make span names unbounded).
   */
  urlTemplate?: string;
  query?: QueryParams;
  /** Serialised as JSON when defined. */
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
  /** Sent as `Idempotency-Key`; makes a POST/PATCH retryable. */
  idempotencyKey?: string;
  /** Overrides the method-based idempotency guess (see RetryRequest.idempotent). */
  idempotent?: boolean;
  /** Caller cancellation. */
  signal?: AbortSignal;
  /** Absolute deadline for this request (the ambient request deadline applies anyway). */
  deadlineAt?: number;
  /**
   * Validates and types the decoded body (e.g. a zod schema's `parse`). A throw becomes
   * `RESILIENCE.DEPENDENCY_BAD_RESPONSE`. Without it the body is an unchecked `T`.
   */
  parse?: (body: unknown) => T;
  /**
   * Called as each attempt is handed to the transport (`fetch`), before it can have reached
   * the dependency. Attempts the policy refuses before sending (open breaker, full bulkhead,
   * deadline) never get here. Must not throw.
   */
  onAttempt?: (attempt: number) => void;
  /**
   * Called once per attempt that {@link onAttempt} announced, as soon as the transport answers
   * (status and headers, before the body is read) or throws (refused connection, reset, the
   * attempt's signal aborted). A transport that never settles never reports. Must not throw.
   */
  onAttemptResult?: (result: HttpAttemptResult) => void;
}

/**
 * What the transport did with one attempt, as given to {@link HttpRequestOptions.onAttemptResult}:
 * the response it answered with (body not yet read), or the error it threw.
 */
export type HttpAttemptResult =
  | { readonly attempt: number; readonly response: Response; readonly error?: undefined }
  | { readonly attempt: number; readonly response?: undefined; readonly error: unknown };

/** A successful (2xx) response. */
export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  /** Decoded JSON (or text for other content types; undefined when empty). */
  body: T;
  /** Which attempt succeeded (1 = first). */
  attempt: number;
}
