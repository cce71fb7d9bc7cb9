import type { EventEnvelope } from '@rc/contracts';
import { OUTBOX_COLUMNS, outbox } from '@rc/messaging';
import type { ClientBase } from 'pg';
import type { InventoryTransaction } from '../domain/inventory-store.port';
import type { ProductPrice } from '../domain/product';
import type { Reservation, ReservationItem, ReservationStatus } from '../domain/reservation';
import {
  ITEM_COLUMNS,
  ITEM_ORDER,
  type ReservationItemRow,
  type ReservationRow,
  toReservations,
} from './reservation.rows';

/** A product's price as the catalogue stores it (bigint as text). */
interface PriceRow {
  sku: string;
  price_minor: string;
  currency: string;
}

function toPrices(rows: readonly PriceRow[]): Map<string, ProductPrice> {
  return new Map(
    rows.map((r) => [r.sku, { sku: r.sku, price: Number(r.price_minor), currency: r.currency }]),
  );
}

/** Where the inventory's events go (the registered `inventory` topic unless overridden). */
export interface EventRouting {
  /** Topic override (environment prefixes, isolated test topics). */
  topic?: string;
}

/**
 * {@link InventoryTransaction} on one pg client that is inside an open transaction (the
 * unit of work's own, or a consumer's inbox transaction).
 */
export class PgInventoryTransaction implements InventoryTransaction {
  constructor(
    private readonly client: ClientBase,
    private readonly routing: EventRouting = {},
  ) {}

  async insertReservation(
    orderId: string,
    status: ReservationStatus,
    ttlSeconds: number,
  ): Promise<Reservation | undefined> {
    const { rows } = await this.client.query<ReservationRow>(
      `INSERT INTO reservations (order_id, status, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (order_id) DO NOTHING
       RETURNING order_id, status, expires_at`,
      [orderId, status, ttlSeconds],
    );
    return rows[0] && toReservations(rows, [])[0];
  }

  async insertReservationPricing(
    orderId: string,
    ttlSeconds: number,
    skus: readonly string[],
  ): Promise<{ inserted: Reservation | undefined; prices: Map<string, ProductPrice> }> {
    // The prices ride along the insert's single result row (as JSON), whether or not it inserted.
    const { rows } = await this.client.query<
      Partial<ReservationRow> & { prices: PriceRow[] | null }
    >(
      `WITH inserted AS (
         INSERT INTO reservations (order_id, status, expires_at)
         VALUES ($1, 'RESERVED', now() + make_interval(secs => $2))
         ON CONFLICT (order_id) DO NOTHING
         RETURNING order_id, status, expires_at
       )
       SELECT inserted.*,
         (SELECT json_agg(json_build_object(
            'sku', sku, 'price_minor', price_minor::text, 'currency', currency))
          FROM products WHERE sku = ANY($3::text[])) AS prices
       FROM (SELECT 1) AS one LEFT JOIN inserted ON true`,
      [orderId, ttlSeconds, skus],
    );
    const row = rows[0]!;
    const inserted = row.order_id ? toReservations([row as ReservationRow], [])[0] : undefined;
    return { inserted, prices: toPrices(row.prices ?? []) };
  }

  async lockReservation(orderId: string): Promise<Reservation | undefined> {
    const { rows } = await this.client.query<ReservationRow>(
      `SELECT order_id, status, expires_at FROM reservations WHERE order_id = $1 FOR UPDATE`,
      [orderId],
    );
    if (rows.length === 0) return undefined;
    const items = await this.client.query<ReservationItemRow>(
      `SELECT ${ITEM_COLUMNS} FROM reservation_items WHERE order_id = $1 ${ITEM_ORDER}`,
      [orderId],
    );
    return toReservations(rows, items.rows)[0];
  }

  async tryReserve(sku: string, quantity: number): Promise<boolean> {
    const { rowCount } = await this.client.query(
      `UPDATE stock SET reserved = reserved + $2
       WHERE sku = $1 AND on_hand - reserved >= $2`,
      [sku, quantity],
    );
    return rowCount === 1;
  }

  async commitReserved(sku: string, quantity: number): Promise<void> {
    await this.updateOne(
      'UPDATE stock SET on_hand = on_hand - $2, reserved = reserved - $2 WHERE sku = $1',
      sku,
      quantity,
    );
  }

  async releaseReserved(sku: string, quantity: number): Promise<void> {
    await this.updateOne('UPDATE stock SET reserved = reserved - $2 WHERE sku = $1', sku, quantity);
  }

  async insertItemsPublishing(
    orderId: string,
    items: readonly ReservationItem[],
    event: EventEnvelope,
  ): Promise<void> {
    await this.client.query(
      `WITH lines AS (
         INSERT INTO reservation_items (order_id, sku, quantity, unit_price_minor, currency)
         SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bigint[], $5::text[])
       )
       INSERT INTO outbox ${OUTBOX_COLUMNS} VALUES ($6, $7, $8, $9, $10, $11)`,
      [
        orderId,
        items.map((i) => i.sku),
        items.map((i) => i.quantity),
        items.map((i) => i.unitPrice),
        items.map((i) => i.currency),
        ...outbox.row(event, this.routing.topic ? { topic: this.routing.topic } : {}),
      ],
    );
  }

  async setStatus(orderId: string, status: ReservationStatus): Promise<void> {
    await this.client.query(
      'UPDATE reservations SET status = $2, updated_at = now() WHERE order_id = $1',
      [orderId, status],
    );
  }

  async lockExpired(limit: number): Promise<Reservation[]> {
    const { rows } = await this.client.query<ReservationRow>(
      `SELECT order_id, status, expires_at FROM reservations
       WHERE status = 'RESERVED' AND expires_at <= now()
       ORDER BY expires_at
       LIMIT $1
       FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    if (rows.length === 0) return [];
    const items = await this.client.query<ReservationItemRow>(
      `SELECT ${ITEM_COLUMNS} FROM reservation_items WHERE order_id = ANY($1::uuid[]) ${ITEM_ORDER}`,
      [rows.map((r) => r.order_id)],
    );
    return toReservations(rows, items.rows);
  }

  async publish(event: EventEnvelope): Promise<void> {
    await outbox.add(this.client, event, this.routing.topic ? { topic: this.routing.topic } : {});
  }

  /** A stock update that must hit exactly one row: anything else is a bug, not a business case. */
  private async updateOne(sql: string, sku: string, quantity: number): Promise<void> {
    const { rowCount } = await this.client.query(sql, [sku, quantity]);
    if (rowCount !== 1) throw new Error(`stock row ${sku} missing (${rowCount} rows updated)`);
  }
}
