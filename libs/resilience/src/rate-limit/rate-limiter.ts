import { createHash } from 'node:crypto';
import { type Registry, register as defaultRegistry } from 'prom-client';
import { type Clock, systemClock } from '../clock';
import { counter } from '../metrics';
import { LocalTokenBucket, type TokenBucketResult } from './local-token-bucket';
import {
  type RateLimitDecision,
  type RateLimitPolicy,
  validateRateLimitPolicy,
} from './rate-limit.policy';
import { type RedisScriptClient, RedisTokenBucket } from './redis-token-bucket';

/** Configuration of a {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** ioredis client shared with the service (its own `commandTimeout` may be set too). */
  redis: RedisScriptClient;
  /** Policy per route name. Route names are metric labels: keep them few and static. */
  routes: Record<string, RateLimitPolicy>;
  /** Key namespace; keys are `<prefix>:<route>:<client>`. Default `rl`. */
  keyPrefix?: string;
  /** Longest wait for the Redis script before falling back, in ms. Default 50. */
  redisTimeoutMs?: number;
  /**
   * After a Redis failure or timeout, decisions go straight to the fallback for this long
   * (ms) instead of paying the timeout on every request. Default 1000.
   */
  redisRetryIntervalMs?: number;
  /** Most in-process fallback buckets kept per route. Default 10 000. */
  maxLocalKeys?: number;
  /**
   * Share of a bucket's capacity one call may lease from Redis for the same client's next
   * requests in this process (spent locally for up to one window). Default 0.01: a
   * client with a 1 000/s quota (a calling service) costs one Redis call per 10 requests; a
   * quota under 200 leases nothing (every request asks Redis). 0 switches leasing off.
   */
  leaseFraction?: number;
  clock?: Clock;
  registry?: Registry;
}

/** ioredis statuses in which a command would only wait in the offline queue. */
const DISCONNECTED = new Set(['reconnecting', 'close', 'end']);
const MAX_CLIENT_KEY_LENGTH = 128;
/** Why a call to the Redis bucket fell back: the `reason` label of the failure counter. */
const REDIS_FAILURE_REASONS = ['timeout', 'disconnected', 'error'] as const;
type RedisFailureReason = (typeof REDIS_FAILURE_REASONS)[number];

/** Tokens leased from a client's Redis bucket, spent by this process until `until`. */
interface Lease {
  tokens: number;
  /** The bucket's remaining tokens and reset time when the lease was taken (for headers). */
  remaining: number;
  resetMs: number;
  until: number;
}

/**
 * Why the timeout's sleep is cancelled once Redis answered. A preallocated reason: `abort()`
 * without one builds a DOMException, stack trace included, on every decision.
 */
const SETTLED = new Error('rate limit decision settled');

/** One `consume` as the limiter works it out. */
interface TokenRequest {
  readonly route: string;
  /** The bucket's Redis key (route and client). */
  readonly key: string;
  readonly policy: RateLimitPolicy;
  /** Tokens this request spends. */
  readonly cost: number;
  /** Tokens asked of Redis: `cost`, or a lease's worth when leasing. */
  readonly want: number;
}

/** Most leases kept; past it, expired ones are dropped (then all, if none had expired). */
const MAX_LEASES = 10_000;

/**
 * Token-bucket rate limiting per (route, client), shared by every instance through one atomic
 * Redis script, with a per-route fallback (`fail-open`, `local`, `fail-closed`) while Redis is
 * unreachable or slow. Every decision is counted in
 * `resilience_rate_limit_decisions_total{route,decision,source}`.
 *
 * A busy client does not cost a Redis round trip per request: a call that finds enough tokens
 * takes up to `leaseFraction` of the capacity at once and the process spends them locally for
 * up to one window (source `redis`: they came out of the shared bucket). Tokens are
 * always taken from Redis before they are spent, so N instances together never admit more
 * than the bucket gave out; a lease taken before a refill and spent after it lets a burst pass
 * the quota by at most N × the lease (1 % each), and what a lease leaves unspent when it ends
 * is lost, so a client may be refused early by as much.
 */
export class RateLimiter {
  private readonly bucket: RedisTokenBucket;
  private readonly local = new Map<string, LocalTokenBucket>();
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly retryIntervalMs: number;
  private readonly prefix: string;
  private redisDownUntil = 0;
  private readonly leaseFraction: number;
  private readonly leases = new Map<string, Lease>();
  private readonly leasing = new Map<string, Promise<RateLimitDecision>>();
  private readonly decisions;
  private readonly redisFailures;

  constructor(private readonly options: RateLimiterOptions) {
    for (const [route, policy] of Object.entries(options.routes)) {
      validateRateLimitPolicy(route, policy);
    }
    this.bucket = new RedisTokenBucket(options.redis);
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = options.redisTimeoutMs ?? 50;
    this.retryIntervalMs = options.redisRetryIntervalMs ?? 1000;
    this.prefix = options.keyPrefix ?? 'rl';
    this.leaseFraction = options.leaseFraction ?? 0.01;
    if (!(this.leaseFraction >= 0 && this.leaseFraction <= 0.5)) {
      throw new RangeError('rate limiter leaseFraction must be within [0, 0.5]');
    }
    const registry = options.registry ?? defaultRegistry;
    this.decisions = counter(registry, {
      name: 'resilience_rate_limit_decisions_total',
      help: 'Rate limit decisions by route, decision (allowed|denied) and source (redis|local|fail-open|fail-closed).',
      labelNames: ['route', 'decision', 'source'] as const,
    });
    this.redisFailures = counter(registry, {
      name: 'resilience_rate_limit_redis_failures_total',
      help: 'Rate limit store calls that fell back, by reason (timeout|disconnected|error).',
      labelNames: ['reason'] as const,
    });
    // Exported at 0 from the start, so rate() sees the first fallback.
    for (const reason of REDIS_FAILURE_REASONS) this.redisFailures.inc({ reason }, 0);
  }

  /** Whether `route` has a policy (routes without one are not limited). */
  hasRoute(route: string): boolean {
    return Object.hasOwn(this.options.routes, route);
  }

  /** Takes `cost` tokens for `client` on `route` and says whether the request may proceed. */
  async consume(route: string, client: string, cost = 1): Promise<RateLimitDecision> {
    const policy = this.options.routes[route];
    if (!policy) throw new RangeError(`no rate limit policy for route "${route}"`);
    const key = `${this.prefix}:${route}:${clientKey(client)}`;
    const want = Math.max(cost, Math.floor(policy.limit * this.leaseFraction));
    const decision = await this.leasedOrDecided({ route, key, policy, cost, want });
    this.decisions.inc({
      route,
      decision: decision.allowed ? 'allowed' : 'denied',
      source: decision.source,
    });
    return decision;
  }

  /**
   * From this process's lease on `key` when it holds enough; else from Redis. While a leasing
   * call for `key` is in flight, the client's other requests wait for it rather than each
   * leasing its own tokens (a burst would otherwise take many leases and lose what they leave
   * unspent): they then spend the new lease, or get the same refusal when the bucket was empty.
   */
  private async leasedOrDecided(request: TokenRequest): Promise<RateLimitDecision> {
    const { key, cost, want } = request;
    if (want === cost) return this.decide(request);
    // Three rounds at most: a request that keeps finding the new lease spent by the others
    // then asks Redis itself.
    for (let round = 0; round < 3; round++) {
      const leased = this.fromLease(request);
      if (leased) return leased;
      const pending = this.leasing.get(key);
      if (!pending) break;
      const earlier = await pending;
      if (!earlier.allowed && earlier.source === 'redis') return earlier;
    }
    // Forgotten before the waiters resume, so none of them waits for it twice.
    const call: Promise<RateLimitDecision> = this.decide(request).finally(() => {
      if (this.leasing.get(key) === call) this.leasing.delete(key);
    });
    this.leasing.set(key, call);
    return call;
  }

  /** Spends `cost` of this process's lease on `key`, if it holds that many still valid. */
  private fromLease({ route, key, policy, cost }: TokenRequest): RateLimitDecision | undefined {
    const lease = this.leases.get(key);
    if (!lease) return undefined;
    if (lease.until <= this.clock.now() || lease.tokens < cost) {
      this.leases.delete(key);
      return undefined;
    }
    lease.tokens -= cost;
    if (lease.tokens === 0) this.leases.delete(key);
    const { limit, windowMs } = policy;
    const remaining = lease.remaining + lease.tokens;
    return {
      route,
      limit,
      windowMs,
      allowed: true,
      remaining,
      resetMs: lease.resetMs,
      retryAfterMs: 0,
      source: 'redis',
    };
  }

  /** Asks Redis (for up to `want` tokens), or the fallback when Redis cannot answer. */
  private async decide(request: TokenRequest): Promise<RateLimitDecision> {
    const { route, key, policy, cost } = request;
    const result = await this.fromRedis(request);
    if (!result) return this.fallback(request);
    const { taken, ...bucket } = result;
    const extra = result.allowed ? taken - cost : 0;
    if (extra > 0) this.keepLease(key, policy, extra, bucket);
    return decide(route, policy, { ...bucket, remaining: bucket.remaining + extra }, 'redis');
  }

  private keepLease(
    key: string,
    policy: RateLimitPolicy,
    tokens: number,
    bucket: TokenBucketResult,
  ) {
    const now = this.clock.now();
    if (this.leases.size >= MAX_LEASES) {
      for (const [k, l] of this.leases) if (l.until <= now) this.leases.delete(k);
      if (this.leases.size >= MAX_LEASES) this.leases.clear();
    }
    // Two calls of this process may lease at once: the tokens add up, none is dropped.
    const held = this.leases.get(key);
    const kept = held && held.until > now ? held.tokens : 0;
    // A lease lives one window: at 15 requests/s a 10-token lease of a 1 000/s quota is spent
    // in ~0.7 s (a tenth of the window would expire it after ~1.5 requests). Tokens spent late
    // were taken from the bucket early, so a burst can exceed the quota by one lease (1 %).
    const until = now + policy.windowMs;
    const lease = {
      tokens: tokens + kept,
      remaining: bucket.remaining,
      resetMs: bucket.resetMs,
      until,
    };
    this.leases.set(key, lease);
  }

  /** The Redis decision, or undefined when Redis is down, failing or slower than the timeout. */
  private async fromRedis({
    key,
    policy,
    cost,
    want,
  }: TokenRequest): Promise<(TokenBucketResult & { taken: number }) | undefined> {
    if (this.clock.now() < this.redisDownUntil) return undefined;
    if (DISCONNECTED.has(this.options.redis.status)) return this.markDown('disconnected');
    const timeout = new AbortController();
    const call = this.bucket.take({
      key,
      limit: policy.limit,
      windowMs: policy.windowMs,
      cost,
      want,
    });
    try {
      const winner = await Promise.race([
        call,
        this.clock.sleep(this.timeoutMs, timeout.signal).then(() => 'timeout' as const),
      ]);
      if (winner === 'timeout') {
        call.catch(() => undefined); // settles later; nobody waits for it any more
        return this.markDown('timeout');
      }
      return winner;
    } catch {
      return this.markDown('error');
    } finally {
      timeout.abort(SETTLED);
    }
  }

  private markDown(reason: RedisFailureReason): undefined {
    this.redisFailures.inc({ reason });
    this.redisDownUntil = this.clock.now() + this.retryIntervalMs;
    return undefined;
  }

  private fallback({ route, key, policy, cost }: TokenRequest): RateLimitDecision {
    const retryAfterMs = Math.max(1, this.redisDownUntil - this.clock.now());
    switch (policy.fallback ?? 'local') {
      case 'fail-open':
        return unknownState({ route, policy, allowed: true, retryAfterMs: 0, source: 'fail-open' });
      case 'fail-closed':
        return unknownState({ route, policy, allowed: false, retryAfterMs, source: 'fail-closed' });
      case 'local': {
        const local = this.localBucket(route, policy);
        const shown = { limit: local.limit, windowMs: local.windowMs };
        return decide(route, shown, local.take(key, cost), 'local');
      }
    }
  }

  private localBucket(route: string, policy: RateLimitPolicy): LocalTokenBucket {
    let bucket = this.local.get(route);
    if (!bucket) {
      const p = policy.localPolicy ?? policy;
      bucket = new LocalTokenBucket(p.limit, p.windowMs, this.clock, this.options.maxLocalKeys);
      this.local.set(route, bucket);
    }
    return bucket;
  }
}

function decide(
  route: string,
  policy: { limit: number; windowMs: number },
  result: TokenBucketResult,
  source: 'redis' | 'local',
): RateLimitDecision {
  return { route, limit: policy.limit, windowMs: policy.windowMs, ...result, source };
}

/** A decision made without Redis's state of the bucket (fail-open or fail-closed). */
function unknownState({
  route,
  policy: { limit, windowMs },
  allowed,
  retryAfterMs,
  source,
}: {
  route: string;
  policy: RateLimitPolicy;
  allowed: boolean;
  retryAfterMs: number;
  source: 'fail-open' | 'fail-closed';
}): RateLimitDecision {
  return { route, limit, windowMs, allowed, remaining: 0, resetMs: 0, retryAfterMs, source };
}

/** Client ids go into Redis keys: long ones are hashed so keys stay bounded. */
function clientKey(client: string): string {
  if (client.length <= MAX_CLIENT_KEY_LENGTH) return client;
  return `sha256:${createHash('sha256').update(client).digest('hex')}`;
}
