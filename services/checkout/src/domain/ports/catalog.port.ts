/** A catalogue price. */
export interface CatalogPrice {
  readonly sku: string;
  /** Unit price in minor units of `currency`. */
  readonly unitPrice: number;
  readonly currency: string;
}

/** Prices from the inventory catalogue. */
export interface CatalogPort {
  /**
   * The current price of `sku`, or undefined when the catalogue does not know it. Throws when
   * inventory cannot answer (unreachable, timeout, breaker open, bad answer).
   */
  priceOf(sku: string): Promise<CatalogPrice | undefined>;
}

/** DI token of {@link CatalogPort}. */
export const CATALOG_PORT = Symbol('CatalogPort');
