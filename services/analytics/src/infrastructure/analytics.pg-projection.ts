import type { DomainEvent } from '@rc/contracts';
import { inbox } from '@rc/messaging';
import type { Pool, PoolClient } from 'pg';
import type { AnalyticsProjection } from '../domain/analytics.ports';
import { salesBySku } from '../domain/order-sales';

/**
 * The aggregates in Postgres, updated through the messaging inbox: the inbox row and every
 * aggregate change of one event commit in one transaction, so an event is counted once or not
 * at all. Each statement is an upsert that adds to a counter: no read-modify-write in the
 * application, so replicas consuming different partitions never lose an update.
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
