import type { Clock } from '@rc/resilience';
import type { CatalogPort, CatalogPrice } from '../domain/ports/catalog.port';
import { ReadThroughCache } from './read-through-cache';

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
  private readonly cache: ReadThroughCache<CatalogPrice | undefined>;

  constructor(
    private readonly source: CatalogPort,
    options: CachedCatalogOptions,
  ) {
    this.cache = new ReadThroughCache({ name: 'catalogue price cache', ...options });
  }

  /** SKUs held. */
  get size(): number {
    return this.cache.size;
  }

  priceOf(sku: string): Promise<CatalogPrice | undefined> {
    return this.cache.read(
      sku,
      () => this.source.priceOf(sku),
      (price) => price !== undefined,
    );
  }
}
