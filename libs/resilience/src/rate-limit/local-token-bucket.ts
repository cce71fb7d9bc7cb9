import { type Clock, systemClock } from '../clock';

interface BucketState {
  tokens: number;
  updatedAt: number;
}

/** Result of taking tokens from a {@link LocalTokenBucket}. */
export interface TokenBucketResult {
  /** Whether the tokens were taken. */
  allowed: boolean;
  /** Whole tokens left. */
  remaining: number;
  /** Ms until the bucket is full again. */
  resetMs: number;
  /** Ms until `cost` tokens are available; 0 when allowed. */
  retryAfterMs: number;
}

/**
 * In-process token buckets, one per key, with the same arithmetic as the Redis script: a bucket
 * of `limit` tokens refilled continuously at `limit / windowMs` tokens per ms. Used as the
 * fallback while Redis is unreachable. The map is bounded (least recently used keys are
 * dropped first), so a flood of distinct client ids cannot exhaust memory; a dropped bucket
 * restarts full, which is the state an idle bucket converges to anyway.
 */
export class LocalTokenBucket {
  private readonly buckets = new Map<string, BucketState>();

  /**
   * @param limit bucket capacity (burst)
   * @param windowMs ms for an empty bucket to refill completely
   * @param clock time source (fake in tests)
   * @param maxKeys most buckets kept in memory
   */
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: Clock = systemClock,
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes `cost` tokens from the bucket of `key` if it has them. */
  take(key: string, cost = 1): TokenBucketResult {
    const now = this.clock.now();
    const ratePerMs = this.limit / this.windowMs;
    const state = this.buckets.get(key) ?? { tokens: this.limit, updatedAt: now };
    const elapsed = Math.max(0, now - state.updatedAt);
    let tokens = Math.min(this.limit, state.tokens + elapsed * ratePerMs);
    const allowed = tokens >= cost;
    if (allowed) tokens -= cost;
    // Re-insert so Map order is least-recently-used first.
    this.buckets.delete(key);
    this.buckets.set(key, { tokens, updatedAt: now });
    this.evict();
    return {
      allowed,
      remaining: Math.floor(tokens),
      resetMs: Math.ceil((this.limit - tokens) / ratePerMs),
      retryAfterMs: allowed ? 0 : Math.ceil((cost - tokens) / ratePerMs),
    };
  }

  /** Number of buckets currently held in memory. */
  get size(): number {
    return this.buckets.size;
  }

  private evict(): void {
    while (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next();
      if (oldest.done) return;
      this.buckets.delete(oldest.value);
    }
  }
}
