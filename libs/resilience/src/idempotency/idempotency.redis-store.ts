import type { Redis } from 'ioredis';
import { createHash, randomUUID } from 'node:crypto';
import { type Registry, register as defaultRegistry } from 'prom-client';
import { IdempotencyStoreUnavailableError } from './idempotency.errors';
import { outcomeCounter, retention } from './idempotency.retention';
import type { IdempotencyRetentionOptions, IdempotencyStore } from './idempotency.contract';
import type { BeginResult, IdempotencyLease, StoredResponse } from './idempotency.types';

/** Options of {@link RedisIdempotencyStore}. */
export interface RedisIdempotencyStoreOptions extends IdempotencyRetentionOptions {
  /** The service's Redis (the same server for every replica). */
  redis: Pick<Redis, 'eval'>;
  /** Key prefix, e.g. `cart:idem:`. */
  keyPrefix: string;
  registry?: Registry;
  /**
   * The error `begin` raises when Redis fails (the request cannot run safely). Default
   * {@link IdempotencyStoreUnavailableError} (503); a service may map it to its own error.
   */
  unavailable?: (cause: unknown) => Error;
}

// One atomic step decides every race, like the Postgres store's INSERT … ON CONFLICT: claim a
// new key, take over an expired lease of the same request, or report replay / in flight /
// mismatch. Time is the Redis server's, shared by every replica.
const BEGIN_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local fp, token, lockMs, ttlMs = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local row = redis.call('HMGET', KEYS[1], 'fp', 'state', 'lockedUntil', 'response')
if not row[1] then
  redis.call('HSET', KEYS[1], 'fp', fp, 'state', 'in_flight', 'token', token, 'lockedUntil', now + lockMs)
  redis.call('PEXPIRE', KEYS[1], ttlMs)
  return {'started', tostring(now + lockMs), '0'}
end
if row[1] ~= fp then return {'mismatch'} end
if row[2] == 'completed' then return {'replay', row[4]} end
local lockedUntil = tonumber(row[3])
if lockedUntil <= now then
  redis.call('HSET', KEYS[1], 'token', token, 'lockedUntil', now + lockMs)
  return {'started', tostring(now + lockMs), '1'}
end
return {'in_flight', tostring(lockedUntil - now)}
`;

const COMPLETE_LUA = `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[1], 'state') ~= 'in_flight' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'completed', 'response', ARGV[2])
redis.call('HDEL', KEYS[1], 'token', 'lockedUntil')
return 1
`;

const RELEASE_LUA = `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[1], 'state') ~= 'in_flight' then return 0 end
return redis.call('DEL', KEYS[1])
`;

/**
 * Idempotency keys in Redis, for services whose only store is Redis (the cart): the same
 * contract and outcomes as {@link PostgresIdempotencyStore} — started / taken over / replay /
 * in flight (409) / mismatch (422), fenced complete and release — with Redis expiry in place of
 * the purge (so no `pruneTask`). Keys are `<prefix><sha256(scope, key)>`: fixed length, and a
 * scope containing the separator cannot collide with another. Same metric as the Postgres store.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly lockTimeoutMs: number;
  private readonly ttlMs: number;
  private readonly inFlightRetryAfterMs: number;
  private readonly unavailable: (cause: unknown) => Error;
  private readonly outcomes;

  constructor(private readonly options: RedisIdempotencyStoreOptions) {
    const kept = retention(options);
    this.lockTimeoutMs = kept.lockTimeoutMs;
    this.ttlMs = kept.ttlMs;
    this.inFlightRetryAfterMs = kept.inFlightRetryAfterMs;
    this.unavailable =
      options.unavailable ?? ((cause) => new IdempotencyStoreUnavailableError(cause));
    this.outcomes = outcomeCounter(options.registry ?? defaultRegistry);
  }

  /** The lease length in ms. */
  get lockTimeout(): number {
    return this.lockTimeoutMs;
  }

  /**
   * Claims `key` in `scope` for a request with `fingerprint`, or says why it cannot. Rejects
   * with `unavailable(error)` when Redis does not answer (the request cannot run safely).
   */
  async begin(scope: string, key: string, fingerprint: string): Promise<BeginResult> {
    const lockToken = randomUUID();
    let reply: string[];
    try {
      reply = (await this.options.redis.eval(
        BEGIN_LUA,
        1,
        this.redisKey(scope, key),
        fingerprint,
        lockToken,
        String(this.lockTimeoutMs),
        String(this.ttlMs),
      )) as string[];
    } catch (e) {
      throw this.unavailable(e);
    }
    const [outcome, a, b] = reply;
    switch (outcome) {
      case 'started': {
        const takenOver = b === '1';
        this.outcomes.inc({ outcome: takenOver ? 'taken_over' : 'started' });
        const lease = { scope, key, lockToken };
        return { outcome: 'started', lease, lockedUntil: new Date(Number(a)), takenOver };
      }
      case 'replay': {
        this.outcomes.inc({ outcome: 'replayed' });
        const response = JSON.parse(a ?? '{}') as StoredResponse;
        return { outcome: 'replay', response: { ...response, body: response.body ?? undefined } };
      }
      case 'in_flight': {
        this.outcomes.inc({ outcome: 'in_flight' });
        const retryAfterMs = Math.max(1, Math.min(Number(a), this.inFlightRetryAfterMs));
        return { outcome: 'in_flight', retryAfterMs };
      }
      default:
        this.outcomes.inc({ outcome: 'mismatch' });
        return { outcome: 'mismatch' };
    }
  }

  /** Stores the response of a started request; false when the lease was lost meanwhile. */
  async complete(lease: IdempotencyLease, response: StoredResponse): Promise<boolean> {
    const stored: StoredResponse = { ...response, body: response.body ?? null };
    const done = await this.options.redis.eval(
      COMPLETE_LUA,
      1,
      this.redisKey(lease.scope, lease.key),
      lease.lockToken,
      JSON.stringify(stored),
    );
    this.outcomes.inc({ outcome: done === 1 ? 'completed' : 'lock_lost' });
    return done === 1;
  }

  /** Gives the key up after a failure that is not final, while the lease is still ours. */
  async release(lease: IdempotencyLease): Promise<boolean> {
    const done = await this.options.redis.eval(
      RELEASE_LUA,
      1,
      this.redisKey(lease.scope, lease.key),
      lease.lockToken,
    );
    this.outcomes.inc({ outcome: done === 1 ? 'released' : 'lock_lost' });
    return done === 1;
  }

  /** Redis expires keys by itself: nothing to purge. */
  async purgeExpired(): Promise<number> {
    return 0;
  }

  private redisKey(scope: string, key: string): string {
    const digest = createHash('sha256')
      .update(JSON.stringify([scope, key]))
      .digest('hex');
    return `${this.options.keyPrefix}${digest}`;
  }
}
