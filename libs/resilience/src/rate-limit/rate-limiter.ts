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
  clock?: Clock;
  registry?: Registry;
}

/** ioredis statuses in which a command would only wait in the offline queue. */
const DISCONNECTED = new Set(['reconnecting', 'close', 'end']);
const MAX_CLIENT_KEY_LENGTH = 128;
/** Why a call to the Redis bucket fell back: the `reason` label of the failure counter. */
const REDIS_FAILURE_REASONS = ['timeout', 'disconnected', 'error'] as const;
type RedisFailureReason = (typeof REDIS_FAILURE_REASONS)[number];

/**
 * Token-bucket rate limiting per (route, client), shared by every instance through one atomic
 * Redis script, with a per-route fallback (`fail-open`, `local`, `fail-closed`) while Redis is
 * unreachable or slow. Every decision is counted in
 * `resilience_rate_limit_decisions_total{route,decision,source}`.
 */
export class RateLimiter {
  private readonly bucket: RedisTokenBucket;
  private readonly local = new Map<string, LocalTokenBucket>();
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly retryIntervalMs: number;
  private readonly prefix: string;
  private redisDownUntil = 0;
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
    const result = await this.fromRedis(key, policy, cost);
    const decision = result
      ? decide(route, policy, result, 'redis')
      : this.fallback(route, key, policy, cost);
    this.decisions.inc({
      route,
      decision: decision.allowed ? 'allowed' : 'denied',
      source: decision.source,
    });
    return decision;
  }

  /** The Redis decision, or undefined when Redis is down, failing or slower than the timeout. */
  private async fromRedis(
    key: string,
    policy: RateLimitPolicy,
    cost: number,
  ): Promise<TokenBucketResult | undefined> {
    if (this.clock.now() < this.redisDownUntil) return undefined;
    if (DISCONNECTED.has(this.options.redis.status)) return this.markDown('disconnected');
    const timeout = new AbortController();
    const call = this.bucket.take(key, policy.limit, policy.windowMs, cost);
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
      timeout.abort();
    }
  }

  private markDown(reason: RedisFailureReason): undefined {
    this.redisFailures.inc({ reason });
    this.redisDownUntil = this.clock.now() + this.retryIntervalMs;
    return undefined;
  }

  private fallback(
    route: string,
    key: string,
    policy: RateLimitPolicy,
    cost: number,
  ): RateLimitDecision {
    const retryAfterMs = Math.max(1, this.redisDownUntil - this.clock.now());
    switch (policy.fallback ?? 'local') {
      case 'fail-open':
        return unknownState(route, policy, true, 0, 'fail-open');
      case 'fail-closed':
        return unknownState(route, policy, false, retryAfterMs, 'fail-closed');
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

function unknownState(
  route: string,
  policy: RateLimitPolicy,
  allowed: boolean,
  retryAfterMs: number,
  source: 'fail-open' | 'fail-closed',
): RateLimitDecision {
  const { limit, windowMs } = policy;
  return { route, limit, windowMs, allowed, remaining: 0, resetMs: 0, retryAfterMs, source };
}

/** Client ids go into Redis keys: long ones are hashed so keys stay bounded. */
function clientKey(client: string): string {
  if (client.length <= MAX_CLIENT_KEY_LENGTH) return client;
  return `sha256:${createHash('sha256').update(client).digest('hex')}`;
}
