import type { DomainEvent } from '@rc/contracts';
import { inbox } from '@rc/messaging';
import type { Pool } from 'pg';
import type { AnalyticsProjection } from '../domain/analytics.ports';
import { salesBySku } from '../domain/order-sales';

/**
 * The aggregates in Postgres, updated through the messaging inbox: the inbox rows and every
 * aggregate change of a batch are ONE statement (one implicit transaction: no BEGIN, no COMMIT,
 * one round trip whatever the batch's size): `inbox.freshCte` inserts the batch's ids and says
 * which are new, and one upsert per table adds the sums of the new events only, so an event is
 * counted once or not at all. Each upsert adds to a counter: no read-modify-write in the
 * application, so replicas consuming different partitions never lose an update. One event alone
 * (the consumer's per-event path) is a batch of one.
 */
export class PgAnalyticsProjection implements AnalyticsProjection {
  constructor(
    private readonly pool: Pool,
    private readonly consumerGroup: string,
  ) {}

  async apply(event: DomainEvent): Promise<'applied' | 'duplicate'> {
    return (await this.applyBatch([event])) === 1 ? 'applied' : 'duplicate';
  }

  async applyBatch(events: readonly DomainEvent[]): Promise<number> {
    // Each event once (a batch may hold one event twice): its rows must join `fresh` once.
    const byId = new Map(events.map((e) => [e.id.toLowerCase(), e]));
    if (byId.size === 0) return 0;
    const rows = batchRows([...byId.values()]);
    const { rows: result } = await this.pool.query<{ fresh: number }>(
      `WITH ${inbox.freshCte(1, 2)}, counts AS (
         INSERT INTO event_counts (event_type, count)
         SELECT e.type, count(*) FROM unnest($3::uuid[], $4::text[]) AS e(id, type)
           JOIN fresh ON fresh.event_id = e.id
         GROUP BY e.type
         ON CONFLICT (event_type) DO UPDATE SET count = event_counts.count + EXCLUDED.count,
           updated_at = now()
       ), revenue_added AS (
         INSERT INTO revenue (currency, amount_minor, orders)
         SELECT o.currency, sum(o.total), count(*)
         FROM unnest($5::uuid[], $6::text[], $7::bigint[]) AS o(id, currency, total)
           JOIN fresh ON fresh.event_id = o.id
         GROUP BY o.currency
         ON CONFLICT (currency) DO UPDATE SET
           amount_minor = revenue.amount_minor + EXCLUDED.amount_minor,
           orders = revenue.orders + EXCLUDED.orders, updated_at = now()
       ), sales_added AS (
         INSERT INTO product_sales (sku, currency, units, revenue_minor)
         SELECT l.sku, l.currency, sum(l.units), sum(l.revenue)
         FROM unnest($8::uuid[], $9::text[], $10::text[], $11::bigint[], $12::bigint[])
           AS l(id, sku, currency, units, revenue)
           JOIN fresh ON fresh.event_id = l.id
         GROUP BY l.sku, l.currency
         ON CONFLICT (sku, currency) DO UPDATE SET units = product_sales.units + EXCLUDED.units,
           revenue_minor = product_sales.revenue_minor + EXCLUDED.revenue_minor,
           updated_at = now()
       ), cart_added AS (
         INSERT INTO cart_adds (sku, adds, units)
         SELECT c.sku, count(*), sum(c.units)
         FROM unnest($13::uuid[], $14::text[], $15::bigint[]) AS c(id, sku, units)
           JOIN fresh ON fresh.event_id = c.id
         GROUP BY c.sku
         ON CONFLICT (sku) DO UPDATE SET adds = cart_adds.adds + EXCLUDED.adds,
           units = cart_adds.units + EXCLUDED.units, updated_at = now()
       )
       SELECT count(*)::int AS fresh FROM fresh`,
      [
        this.consumerGroup,
        [...byId.keys()],
        rows.counts.map((r) => r.id),
        rows.counts.map((r) => r.type),
        rows.orders.map((r) => r.id),
        rows.orders.map((r) => r.currency),
        rows.orders.map((r) => String(r.total)),
        rows.sales.map((r) => r.id),
        rows.sales.map((r) => r.sku),
        rows.sales.map((r) => r.currency),
        rows.sales.map((r) => String(r.units)),
        rows.sales.map((r) => String(r.revenue)),
        rows.cartAdds.map((r) => r.id),
        rows.cartAdds.map((r) => r.sku),
        rows.cartAdds.map((r) => String(r.units)),
      ],
    );
    return result[0]?.fresh ?? 0;
  }
}

/** What each event of a batch adds, one row per aggregate row it touches, by event id. */
interface BatchRows {
  counts: { id: string; type: string }[];
  orders: { id: string; currency: string; total: number }[];
  sales: { id: string; sku: string; currency: string; units: number; revenue: number }[];
  cartAdds: { id: string; sku: string; units: number }[];
}

/** The per-event rows of `events` (each once); the statement sums those of the new events. */
function batchRows(events: readonly DomainEvent[]): BatchRows {
  const rows: BatchRows = { counts: [], orders: [], sales: [], cartAdds: [] };
  for (const event of events) {
    const { id } = event;
    rows.counts.push({ id, type: event.type });
    if (event.type === 'OrderPlaced') {
      const { currency, total, items } = event.data;
      rows.orders.push({ id, currency, total });
      for (const line of salesBySku(items))
        rows.sales.push({ id, sku: line.sku, currency, units: line.units, revenue: line.revenue });
    } else if (event.type === 'CartItemAdded') {
      rows.cartAdds.push({ id, sku: event.data.sku, units: event.data.quantity });
    }
  }
  return rows;
}
