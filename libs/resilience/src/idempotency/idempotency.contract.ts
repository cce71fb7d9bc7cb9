import type { BeginResult, IdempotencyLease, StoredResponse } from './idempotency.types';

/**
 * Where idempotency keys live: what the `@Idempotent()` interceptor, the purger and the
 * housekeeping need. Implemented by {@link PostgresIdempotencyStore} (services with a database)
 * and {@link RedisIdempotencyStore} (services whose only store is Redis); both give the same
 * outcomes, fence `complete`/`release` by the lease's token, and take time from the store's
 * server, so replicas need no synchronised clocks.
 */
export interface IdempotencyStore {
  /** The lease length in ms (callers size deadlines against it). */
  readonly lockTimeout: number;
  /** Claims `key` in `scope` for a request with `fingerprint`, or says why it cannot. */
  begin(scope: string, key: string, fingerprint: string): Promise<BeginResult>;
  /** Stores the response of a started request; false when the lease was lost meanwhile. */
  complete(lease: IdempotencyLease, response: StoredResponse): Promise<boolean>;
  /** Gives the key up after a failure that is not final, while the lease is still ours. */
  release(lease: IdempotencyLease): Promise<boolean>;
  /** Deletes up to `limit` expired keys; returns how many (0 for a store that expires keys itself). */
  purgeExpired(limit?: number): Promise<number>;
  /**
   * The housekeeping task of a store whose expired keys must be deleted (the shape of
   * `@rc/platform`'s `PruneTask`); absent when the store expires keys by itself.
   */
  pruneTask?(): { table: string; prune: (limit: number) => Promise<number> };
}

/** Lease and retention of a store's keys (the same meaning in every implementation). */
export interface IdempotencyRetentionOptions {
  /**
   * Lease of a started request, in ms. Must exceed the longest time a request can run (its
   * deadline): a lease that expires under a live request lets a retry execute it a second
   * time. Default 30 000.
   */
  lockTimeoutMs?: number;
  /** How long keys (and stored responses) are kept, in ms. Default 24 h. */
  ttlMs?: number;
  /** Upper bound of the `Retry-After` suggested for an in-flight key, in ms. Default 1000. */
  inFlightRetryAfterMs?: number;
}
