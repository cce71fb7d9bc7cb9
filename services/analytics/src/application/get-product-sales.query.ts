import type { ProductSales } from '../domain/analytics';
import type { AnalyticsReadModel } from '../domain/analytics.ports';

/**
 * Units and revenue of one product in one currency. Analytics does not own the catalogue, so
 * a SKU it never saw sold is not an error: it reads as zero.
 */
export class GetProductSales {
  constructor(private readonly readModel: AnalyticsReadModel) {}

  async execute(sku: string, currency: string): Promise<ProductSales> {
    return this.readModel.product(sku, currency);
  }
}
