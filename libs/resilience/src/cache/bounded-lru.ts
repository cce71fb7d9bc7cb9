/**
 * A map that keeps at most `maxEntries` entries, dropping the least recently used one when a new
 * entry would pass the bound: the in-process part of a cache whose memory must stay flat
 * whatever keys clients send. Freshness (TTL, stale windows) is the caller's: it decides from the
 * value what is still good and `delete`s what is not.
 */
export class BoundedLru<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly maxEntries: number) {
    if (!(Number.isInteger(maxEntries) && maxEntries >= 0))
      throw new RangeError('BoundedLru maxEntries must be an integer ≥ 0 (0 keeps nothing)');
  }

  /** Entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** The value of `key`, which becomes the most recently used entry. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Map iteration order is insertion order: re-inserting marks it most recently used.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Keeps `value` for `key` as the most recently used entry, evicting the least recent when full. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
