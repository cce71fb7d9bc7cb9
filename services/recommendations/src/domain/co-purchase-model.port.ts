/** One line of a placed order, as the model learns from it. */
export interface PurchasedLine {
  sku: string;
  quantity: number;
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
   * seen no orders.
   */
  recommend(skus: readonly string[], limit: number): Promise<string[]>;
  /**
   * Learns from one placed order, at most once per `eventId` (Kafka redelivers): `duplicate`
   * when that event was already applied.
   */
  recordOrder(eventId: string, lines: readonly PurchasedLine[]): Promise<'applied' | 'duplicate'>;
}

/** DI token of the {@link CoPurchaseModel}. */
export const CO_PURCHASE_MODEL = Symbol('CoPurchaseModel');
