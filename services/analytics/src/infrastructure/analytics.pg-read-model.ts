import type { Pool } from 'pg';
import type { AnalyticsSummary, ProductSales } from '../domain/analytics';
import type { AnalyticsReadModel } from '../domain/analytics.ports';

/** Reads the aggregates written by {@link PgAnalyticsProjection}. */
export class PgAnalyticsReadModel implements AnalyticsReadModel {
  constructor(private readonly pool: Pool) {}

  async summary(currency: string, top: number): Promise<AnalyticsSummary> {
    // One round trip: counters, revenue and the last update as one row.
    const { rows } = await this.pool.query<{
      counts: Record<string, string> | null;
      revenue: string | null;
      updated_at: Date | null;
    }>(
      `SELECT
         (SELECT jsonb_object_agg(event_type, count) FROM event_counts) AS counts,
         (SELECT amount_minor FROM revenue WHERE currency = $1) AS revenue,
         (SELECT max(updated_at) FROM event_counts) AS updated_at`,
      [currency],
    );
    const row = rows[0];
    const counts = row?.counts ?? {};
    const count = (type: string) => Number(counts[type] ?? 0);
    const products = await this.pool.query<{ sku: string; units: string; revenue_minor: string }>(
      `SELECT sku, units, revenue_minor FROM product_sales
        WHERE currency = $1 ORDER BY units DESC, sku LIMIT $2`,
      [currency, top],
    );
    return {
      ordersPlaced: count('OrderPlaced'),
      ordersFailed: count('OrderFailed'),
      revenue: Number(row?.revenue ?? 0),
      currency,
      paymentsCaptured: count('PaymentCaptured'),
      paymentsRefunded: count('PaymentRefunded'),
      cartAdds: count('CartItemAdded'),
      topProducts: products.rows.map((p) => ({
        sku: p.sku,
        units: Number(p.units),
        revenue: Number(p.revenue_minor),
      })),
      updatedAt: row?.updated_at ? row.updated_at.toISOString() : null,
    };
  }

  async product(sku: string, currency: string): Promise<ProductSales> {
    const { rows } = await this.pool.query<{ units: string; revenue_minor: string }>(
      'SELECT units, revenue_minor FROM product_sales WHERE sku = $1 AND currency = $2',
      [sku, currency],
    );
    const row = rows[0];
    return { sku, units: Number(row?.units ?? 0), revenue: Number(row?.revenue_minor ?? 0) };
  }
}
