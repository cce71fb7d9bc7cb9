/** One line of a placed order, as the model learns from it. */
export interface PurchasedLine {
  sku: string;
  quantity: number;
}

/** What the model suggests for a request, and which requested SKUs it has never seen sold. */
export interface ModelSuggestions {
  /** Up to `limit` SKUs, best first, excluding the requested ones; empty on a cold model. */
  skus: string[];
  /**
   * Requested SKUs absent from the model's best-sellers (never in a placed order). The answer
   * does not depend on them — they have no partners and can never be suggested — so an answer
   * for a request naming one is not worth a cache entry keyed by it.
   */
  unknownSkus: string[];
}

/**
 * Port of the co-purchase model: which products are bought together (pairs counted once per
 * order) and which sell most (units). Implementations fail (reject) when their store does not
 * answer in time; callers fall back.
 */
export interface CoPurchaseModel {
  /**
   * Up to `limit` SKUs most often bought together with `skus`, excluding them, best first;
   * topped up with overall best-sellers when the pairs are too few. Empty when the model has
   * seen no orders. Also says which of `skus` the model has never seen sold.
   */
  recommend(skus: readonly string[], limit: number): Promise<ModelSuggestions>;
  /**
   * Learns from one placed order, at most once per `eventId` (Kafka redelivers): `duplicate`
   * when that event was already applied.
   */
  recordOrder(eventId: string, lines: readonly PurchasedLine[]): Promise<'applied' | 'duplicate'>;
  /**
   * Learns from several placed orders in one round trip, each at most once per `eventId`, with
   * the effect of {@link recordOrder} called for each in order; one outcome per order. Not
   * atomic as a whole: when it rejects, some orders may be learnt, and learning them again is a
   * `duplicate`.
   */
  recordOrders(orders: readonly PlacedOrder[]): Promise<ReadonlyArray<'applied' | 'duplicate'>>;
}

/** One placed order to learn: its event id (the dedup key) and its lines. */
export interface PlacedOrder {
  eventId: string;
  lines: readonly PurchasedLine[];
}

/** DI token of the {@link CoPurchaseModel}. */
export const CO_PURCHASE_MODEL = Symbol('CoPurchaseModel');
