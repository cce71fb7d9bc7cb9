/** What the retry logic needs to know about the call being retried. */
export interface RetryRequest {
  /** HTTP method, when the call is an HTTP request. */
  method?: string;
  /**
   * Whether repeating the call is harmless. Default: false for POST and PATCH, true for every
   * other method and for calls without a method (the policy cannot see what `fn` does: flag
   * unsafe non-HTTP operations explicitly).
   */
  idempotent?: boolean;
  /** An idempotency key makes any call safe to repeat: the server deduplicates it. */
  idempotencyKey?: string;
  /** Caller cancellation; once aborted nothing is retried. */
  signal?: AbortSignal;
}

const NON_IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH']);

/** True when a request that reached the server may be sent again without a second side effect. */
export function isSafeToRepeat(request: RetryRequest | undefined): boolean {
  if (request === undefined) return true;
  if (request.idempotencyKey) return true;
  if (request.idempotent !== undefined) return request.idempotent;
  return request.method === undefined || !NON_IDEMPOTENT_METHODS.has(request.method.toUpperCase());
}
