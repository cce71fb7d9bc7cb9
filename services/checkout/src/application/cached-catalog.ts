import { BoundedLru, systemClock, type Clock } from '@rc/resilience';
import type { CatalogPort, CatalogPrice } from '../domain/ports/catalog.port';

/** Options of {@link CachedCatalog}. */
export interface CachedCatalogOptions {
  /** How long a price read from the catalogue prices later checkouts, ms; 0 turns caching off. */
  ttlMs: number;
  /** Most SKUs kept; the least recently used goes first. */
  maxEntries: number;
  clock?: Clock;
  /** Told of each lookup: `hit` (answered here) or `miss` (asked the catalogue). */
  onLookup?: (result: 'hit' | 'miss') => void;
}

/**
 * Catalogue prices kept in this process for `ttlMs`: checkout's price step is an HTTP call to
 * inventory per line, and prices are reference data that change rarely, so most checkouts can
 * price their lines without it. What this trades: a price change reaches checkout's orders up to
 * `ttlMs` late (the order is charged the price checkout read, as it always was). Only known
 * prices are kept — an unknown SKU or a failure asks the catalogue again on the next checkout —
 * and no lookup waits for another (a miss is one call, as without the cache). Bounded: memory
 * stays flat whatever SKUs clients send.
 */
export class CachedCatalog implements CatalogPort {
  private readonly entries: BoundedLru<string, { price: CatalogPrice; readAt: number }>;
  private readonly clock: Clock;

  constructor(
    private readonly source: CatalogPort,
    private readonly options: CachedCatalogOptions,
  ) {
    if (!(Number.isInteger(options.ttlMs) && options.ttlMs >= 0))
      throw new RangeError('catalogue price cache ttlMs must be an integer ≥ 0');
    if (!(Number.isInteger(options.maxEntries) && options.maxEntries >= 1))
      throw new RangeError('catalogue price cache maxEntries must be an integer ≥ 1');
    this.entries = new BoundedLru(options.maxEntries);
    this.clock = options.clock ?? systemClock;
  }

  /** SKUs held. */
  get size(): number {
    return this.entries.size;
  }

  async priceOf(sku: string): Promise<CatalogPrice | undefined> {
    if (this.options.ttlMs === 0) return this.source.priceOf(sku);
    const entry = this.entries.get(sku);
    if (entry && this.clock.monotonic() - entry.readAt < this.options.ttlMs) {
      this.options.onLookup?.('hit');
      return entry.price;
    }
    this.options.onLookup?.('miss');
    if (entry) this.entries.delete(sku);
    const readAt = this.clock.monotonic();
    const price = await this.source.priceOf(sku);
    if (price) this.entries.set(sku, { price, readAt });
    return price;
  }
}
