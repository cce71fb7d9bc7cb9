/** One product's sales in one currency. */
export interface ProductSales {
  sku: string;
  units: number;
  /** Minor units of the summary's currency. */
  revenue: number;
}

/** The dashboard view of the platform's activity, for one reporting currency. */
export interface AnalyticsSummary {
  ordersPlaced: number;
  ordersFailed: number;
  /** Sum of placed orders' totals in `currency`, minor units. */
  revenue: number;
  currency: string;
  paymentsCaptured: number;
  paymentsRefunded: number;
  /** `CartItemAdded` events seen (the cart stream is best-effort: a lower bound). */
  cartAdds: number;
  /** Best-selling products by units in `currency`. */
  topProducts: ProductSales[];
  /** When the last event was applied (ISO 8601), null before the first one. */
  updatedAt: string | null;
}
