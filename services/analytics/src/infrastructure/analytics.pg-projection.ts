import type { DomainEvent } from '@rc/contracts';
import { inbox } from '@rc/messaging';
import type { Pool, PoolClient } from 'pg';
import type { AnalyticsProjection } from '../domain/analytics.ports';
import { salesBySku } from '../domain/order-sales';

/**
 * The aggregates in Postgres, updated through the messaging inbox: the inbox row and every
 * aggregate change of one event commit in one transaction, so an event is counted once or not
 * at all. Each statement is an upsert that adds to a counter: no read-modify-write in the
 * application, so replicas consuming different partitions never lose an update. A batch is one
 * transaction of four round trips whatever its size: BEGIN, one inbox insert for every id, one
 * statement adding the new events' sums to the four tables, COMMIT.
 */
export class PgAnalyticsProjection implements AnalyticsProjection {
  constructor(
    private readonly pool: Pool,
    private readonly consumerGroup: string,
  ) {}

  async apply(event: DomainEvent): Promise<'applied' | 'duplicate'> {
    return inbox.runOnce(this.pool, this.consumerGroup, event.id, async (client) => {
      await countEvent(client, event.type);
      switch (event.type) {
        case 'OrderPlaced':
          await recordOrder(client, event.data);
          break;
        case 'CartItemAdded':
          await client.query(
            `INSERT INTO cart_adds (sku, adds, units) VALUES ($1, 1, $2)
             ON CONFLICT (sku) DO UPDATE SET adds = cart_adds.adds + 1,
               units = cart_adds.units + EXCLUDED.units, updated_at = now()`,
            [event.data.sku, event.data.quantity],
          );
          break;
        default:
          // Counted above; no other aggregate depends on it.
          break;
      }
    });
  }

  async applyBatch(events: readonly DomainEvent[]): Promise<number> {
    const fresh = await inbox.runBatch(
      this.pool,
      this.consumerGroup,
      events.map((e) => e.id),
      async (client, ids) => {
        // New ids only, each once (a batch may hold one event twice).
        const pending = new Set(ids);
        await addSums(client, batchSums(events.filter((e) => pending.delete(e.id))));
      },
    );
    return fresh.length;
  }
}

/** What a batch adds to each aggregate table, one entry per row it touches. */
interface BatchSums {
  counts: Map<string, number>;
  revenue: Map<string, { amount: number; orders: number }>;
  sales: Map<string, { sku: string; currency: string; units: number; revenue: number }>;
  cartAdds: Map<string, { adds: number; units: number }>;
}

/** Sums the events' contributions per row (ON CONFLICT cannot touch one row twice). */
function batchSums(events: readonly DomainEvent[]): BatchSums {
  const sums: BatchSums = {
    counts: new Map(),
    revenue: new Map(),
    sales: new Map(),
    cartAdds: new Map(),
  };
  for (const event of events) {
    sums.counts.set(event.type, (sums.counts.get(event.type) ?? 0) + 1);
    if (event.type === 'OrderPlaced') {
      const { currency, total, items } = event.data;
      const revenue = sums.revenue.get(currency) ?? { amount: 0, orders: 0 };
      sums.revenue.set(currency, { amount: revenue.amount + total, orders: revenue.orders + 1 });
      for (const line of salesBySku(items)) {
        const key = `${line.sku} ${currency}`;
        const entry = sums.sales.get(key) ?? { sku: line.sku, currency, units: 0, revenue: 0 };
        entry.units += line.units;
        entry.revenue += line.revenue;
        sums.sales.set(key, entry);
      }
    } else if (event.type === 'CartItemAdded') {
      const entry = sums.cartAdds.get(event.data.sku) ?? { adds: 0, units: 0 };
      sums.cartAdds.set(event.data.sku, {
        adds: entry.adds + 1,
        units: entry.units + event.data.quantity,
      });
    }
  }
  return sums;
}

/** Adds `sums` to the four tables in one statement (an empty array touches nothing). */
async function addSums(client: PoolClient, sums: BatchSums): Promise<void> {
  const sales = [...sums.sales.values()];
  await client.query(
    `WITH counts AS (
       INSERT INTO event_counts (event_type, count)
       SELECT * FROM unnest($1::text[], $2::bigint[])
       ON CONFLICT (event_type) DO UPDATE SET count = event_counts.count + EXCLUDED.count,
         updated_at = now()
     ), revenue_added AS (
       INSERT INTO revenue (currency, amount_minor, orders)
       SELECT * FROM unnest($3::text[], $4::bigint[], $5::bigint[])
       ON CONFLICT (currency) DO UPDATE SET
         amount_minor = revenue.amount_minor + EXCLUDED.amount_minor,
         orders = revenue.orders + EXCLUDED.orders, updated_at = now()
     ), sales_added AS (
       INSERT INTO product_sales (sku, currency, units, revenue_minor)
       SELECT * FROM unnest($6::text[], $7::text[], $8::bigint[], $9::bigint[])
       ON CONFLICT (sku, currency) DO UPDATE SET units = product_sales.units + EXCLUDED.units,
         revenue_minor = product_sales.revenue_minor + EXCLUDED.revenue_minor, updated_at = now()
     )
     INSERT INTO cart_adds (sku, adds, units)
     SELECT * FROM unnest($10::text[], $11::bigint[], $12::bigint[])
     ON CONFLICT (sku) DO UPDATE SET adds = cart_adds.adds + EXCLUDED.adds,
       units = cart_adds.units + EXCLUDED.units, updated_at = now()`,
    [
      [...sums.counts.keys()],
      [...sums.counts.values()].map(String),
      [...sums.revenue.keys()],
      [...sums.revenue.values()].map((r) => String(r.amount)),
      [...sums.revenue.values()].map((r) => String(r.orders)),
      sales.map((s) => s.sku),
      sales.map((s) => s.currency),
      sales.map((s) => String(s.units)),
      sales.map((s) => String(s.revenue)),
      [...sums.cartAdds.keys()],
      [...sums.cartAdds.values()].map((c) => String(c.adds)),
      [...sums.cartAdds.values()].map((c) => String(c.units)),
    ],
  );
}

async function countEvent(client: PoolClient, type: string): Promise<void> {
  await client.query(
    `INSERT INTO event_counts (event_type, count) VALUES ($1, 1)
     ON CONFLICT (event_type) DO UPDATE SET count = event_counts.count + 1, updated_at = now()`,
    [type],
  );
}

async function recordOrder(
  client: PoolClient,
  order: Extract<DomainEvent, { type: 'OrderPlaced' }>['data'],
): Promise<void> {
  await client.query(
    `INSERT INTO revenue (currency, amount_minor, orders) VALUES ($1, $2, 1)
     ON CONFLICT (currency) DO UPDATE SET amount_minor = revenue.amount_minor + EXCLUDED.amount_minor,
       orders = revenue.orders + 1, updated_at = now()`,
    [order.currency, order.total],
  );
  const sales = salesBySku(order.items);
  // One statement for all lines: arrays unnested into rows, one row per SKU (merged above, as
  // ON CONFLICT cannot touch the same row twice in one statement).
  await client.query(
    `INSERT INTO product_sales (sku, currency, units, revenue_minor)
     SELECT sku, $1, units, revenue FROM unnest($2::text[], $3::bigint[], $4::bigint[])
       AS line(sku, units, revenue)
     ON CONFLICT (sku, currency) DO UPDATE SET units = product_sales.units + EXCLUDED.units,
       revenue_minor = product_sales.revenue_minor + EXCLUDED.revenue_minor, updated_at = now()`,
    [
      order.currency,
      sales.map((s) => s.sku),
      sales.map((s) => String(s.units)),
      sales.map((s) => String(s.revenue)),
    ],
  );
}
