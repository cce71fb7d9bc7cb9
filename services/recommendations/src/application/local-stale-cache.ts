import { BoundedLru, type Clock } from '@rc/resilience';
import type { CachedRecommendation } from '../domain/recommendation-cache.port';

/**
 * The last good answers, kept in this process: the stale copy that still answers when Redis
 * itself — where the shared cache lives — is slow or down. Bounded (least recently used entries
 * go first) and limited to the stale window, so memory stays flat and nothing older than the
 * shared cache's stale copy is ever served.
 */
export class LocalStaleCache {
  private readonly entries: BoundedLru<string, CachedRecommendation>;

  constructor(
    maxEntries: number,
    private readonly staleTtlMs: number,
    private readonly clock: Clock,
  ) {
    this.entries = new BoundedLru(maxEntries);
  }

  /** Entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** The copy for `key` if it is within the stale window. */
  get(key: string): CachedRecommendation | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock.now() - entry.computedAt > this.staleTtlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Keeps `value` for `key`, evicting the least recently used entry when full. */
  set(key: string, value: CachedRecommendation): void {
    this.entries.set(key, value);
  }
}
