import { TOKEN_BUCKET_LUA, TOKEN_BUCKET_LUA_SHA } from './token-bucket.lua';
import type { TokenBucketResult } from './local-token-bucket';

/**
 * The part of an ioredis client (`Redis` or `Cluster`) the limiter uses. Any client with these
 * members works, which keeps the core independent of how a service builds its connection.
 */
export interface RedisScriptClient {
  /** ioredis connection status (`ready`, `connecting`, `reconnecting`, `end`, …). */
  readonly status: string;
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/**
 * Runs a Lua script by EVALSHA (its SHA-1 `sha`: the script body is sent once per Redis server),
 * and by EVAL when the server answers NOSCRIPT (first use, restart, failover, SCRIPT FLUSH),
 * which also keeps it for the next EVALSHA.
 */
export async function evalScript(
  redis: Pick<RedisScriptClient, 'eval' | 'evalsha'>,
  script: { lua: string; sha: string },
  numKeys: number,
  ...args: (string | number)[]
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, numKeys, ...args);
  } catch (e) {
    if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
    return redis.eval(script.lua, numKeys, ...args);
  }
}

/** One take of {@link RedisTokenBucket.take}. */
export interface TokenBucketTake {
  /** The bucket's Redis key. */
  key: string;
  /** Capacity. */
  limit: number;
  /** The whole capacity is refilled over this window. */
  windowMs: number;
  /** Tokens to take (default 1). */
  cost?: number;
  /** When more than `cost`: up to this many whole tokens if the bucket holds them (a lease). */
  want?: number;
}

/** Runs the token-bucket Lua script for one key ({@link evalScript}). */
export class RedisTokenBucket {
  constructor(private readonly redis: RedisScriptClient) {}

  /**
   * Takes `cost` tokens from bucket `key` of capacity `limit` refilled every `windowMs` — and,
   * when `want` > `cost`, up to `want` whole tokens if the bucket holds them (`taken` says how
   * many were taken).
   */
  async take({
    key,
    limit,
    windowMs,
    cost = 1,
    want = cost,
  }: TokenBucketTake): Promise<TokenBucketResult & { taken: number }> {
    const args = [key, limit, windowMs, cost, Math.max(cost, want)] as const;
    const reply = await evalScript(
      this.redis,
      { lua: TOKEN_BUCKET_LUA, sha: TOKEN_BUCKET_LUA_SHA },
      1,
      ...args,
    );
    return parseReply(reply);
  }
}

function parseReply(reply: unknown): TokenBucketResult & { taken: number } {
  if (!Array.isArray(reply) || reply.length !== 5 || !reply.every((v) => typeof v === 'number')) {
    throw new Error(`unexpected token bucket script reply: ${JSON.stringify(reply)}`);
  }
  const [allowed, remaining, resetMs, retryAfterMs, taken] = reply;
  return {
    allowed: allowed === 1,
    remaining: remaining!,
    resetMs: resetMs!,
    retryAfterMs: retryAfterMs!,
    taken: taken!,
  };
}
