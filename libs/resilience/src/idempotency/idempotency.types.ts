/** The first response of a request, stored for replay. */
export interface StoredResponse {
  /** HTTP status. */
  status: number;
  /** Replayed headers (lower-case names). */
  headers: Record<string, string>;
  /** JSON body; `undefined`/`null` when there was none. */
  body: unknown;
}

/** Identifies the lease a `started` request holds; needed to complete or release it. */
export interface IdempotencyLease {
  scope: string;
  key: string;
  /** Fencing token: only the holder of this token may complete or release the key. */
  lockToken: string;
}

/** What `begin` found. */
export type BeginResult =
  /** The caller owns the key until `lockedUntil` and must `complete` or `release` it. */
  | {
      outcome: 'started';
      lease: IdempotencyLease;
      lockedUntil: Date;
      /** True when a crashed request's expired lease was taken over. */
      takenOver: boolean;
    }
  /** The first request completed: answer with its response. */
  | { outcome: 'replay'; response: StoredResponse }
  /** Another request with this key is executing (409); retry after `retryAfterMs`. */
  | { outcome: 'in_flight'; retryAfterMs: number }
  /** The key belongs to a different request (422). */
  | { outcome: 'mismatch' };
