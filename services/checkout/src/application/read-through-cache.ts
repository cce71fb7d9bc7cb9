import { BoundedLru, systemClock, type Clock } from '@rc/resilience';

/** Options of {@link ReadThroughCache}. */
export interface ReadThroughCacheOptions {
  /** What is cached, for the errors of bad options (e.g. `catalogue price cache`). */
  name: string;
  /** How long a value read from the source answers later reads, ms; 0 turns caching off. */
  ttlMs: number;
  /** Most keys kept; the least recently used goes first. */
  maxEntries: number;
  clock?: Clock;
  /** Told of each lookup: `hit` (answered here) or `miss` (asked the source). */
  onLookup?: (result: 'hit' | 'miss') => void;
}

/**
 * Values of a remote source kept in this process for `ttlMs`, by key, bounded by
 * `maxEntries` (least recently used out first): memory stays flat whatever keys clients send.
 * Only values the caller says to `keep` are stored, so an unknown key, a fallback or a failure
 * asks the source again on the next read; no read waits for another (a miss is one call, as
 * without the cache).
 */
export class ReadThroughCache<V> {
  private readonly entries: BoundedLru<string, { value: V; readAt: number }>;
  private readonly clock: Clock;

  constructor(private readonly options: ReadThroughCacheOptions) {
    if (!(Number.isInteger(options.ttlMs) && options.ttlMs >= 0))
      throw new RangeError(`${options.name} ttlMs must be an integer ≥ 0`);
    if (!(Number.isInteger(options.maxEntries) && options.maxEntries >= 1))
      throw new RangeError(`${options.name} maxEntries must be an integer ≥ 1`);
    this.entries = new BoundedLru(options.maxEntries);
    this.clock = options.clock ?? systemClock;
  }

  /** Keys held. */
  get size(): number {
    return this.entries.size;
  }

  /** The value of `key`: kept and younger than the TTL, else `load`ed (and kept if `keep`). */
  async read(key: string, load: () => Promise<V>, keep: (value: V) => boolean): Promise<V> {
    if (this.options.ttlMs === 0) return load();
    const entry = this.entries.get(key);
    if (entry && this.clock.monotonic() - entry.readAt < this.options.ttlMs) {
      this.options.onLookup?.('hit');
      return entry.value;
    }
    this.options.onLookup?.('miss');
    if (entry) this.entries.delete(key);
    const readAt = this.clock.monotonic();
    const value = await load();
    if (keep(value)) this.entries.set(key, { value, readAt });
    return value;
  }
}
