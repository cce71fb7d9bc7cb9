import type { ProductSales } from './analytics';

/** A line of a placed order. */
export interface SoldLine {
  sku: string;
  quantity: number;
  /** Minor units per unit. */
  unitPrice: number;
}

/**
 * Units and revenue per SKU of one order, one entry per SKU (an order listing a SKU twice is
 * merged), in the order the SKUs first appear.
 */
export function salesBySku(lines: readonly SoldLine[]): ProductSales[] {
  const bySku = new Map<string, ProductSales>();
  for (const { sku, quantity, unitPrice } of lines) {
    const entry = bySku.get(sku) ?? { sku, units: 0, revenue: 0 };
    entry.units += quantity;
    entry.revenue += quantity * unitPrice;
    bySku.set(sku, entry);
  }
  return [...bySku.values()];
}
