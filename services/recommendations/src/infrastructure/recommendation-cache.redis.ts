import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import type {
  CachedRecommendation,
  RecommendationCache,
} from '../domain/recommendation-cache.port';

/**
 * The shared response cache: one Redis string per request key, `reco:cache:{sha256(key)}` →
 * `{skus, computedAt}`, expiring after the stale window. Every replica reads and writes it, so
 * one computation serves them all while fresh; after that it is the stale copy of last resort.
 */
export class RedisRecommendationCache implements RecommendationCache {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly staleTtlMs: number,
  ) {}

  async get(key: string): Promise<CachedRecommendation | undefined> {
    const raw = await this.redis.get(this.redisKey(key));
    if (raw === null) return undefined;
    let value: Partial<CachedRecommendation> | null;
    try {
      value = JSON.parse(raw) as Partial<CachedRecommendation> | null;
    } catch {
      return undefined; // an unreadable entry is a miss; the next computation overwrites it
    }
    if (!Array.isArray(value?.skus) || typeof value.computedAt !== 'number') return undefined;
    return { skus: value.skus.map(String), computedAt: value.computedAt };
  }

  async set(key: string, value: CachedRecommendation): Promise<void> {
    await this.redis.set(this.redisKey(key), JSON.stringify(value), 'PX', this.staleTtlMs);
  }

  private redisKey(key: string): string {
    return `${this.keyPrefix}cache:${createHash('sha256').update(key).digest('hex')}`;
  }
}
