import type { EventEnvelope } from '@rc/contracts';
import { OUTBOX_COLUMNS, outbox } from '@rc/messaging';
import type { ClientBase } from 'pg';
import type { InventoryTransaction } from '../domain/inventory-store.port';
import type {
  RequestedItem,
  Reservation,
  ReservationItem,
  ReservationStatus,
} from '../domain/reservation';
import {
  ITEM_COLUMNS,
  ITEM_ORDER,
  type ReservationItemRow,
  type ReservationRow,
  toReservations,
} from './reservation.rows';

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

  async lockReservation(orderId: string): Promise<Reservation | undefined> {
    const { rows } = await this.client.query<ReservationRow & { items: ReservationItemRow[] }>(
      `SELECT r.order_id, r.status, r.expires_at,
         COALESCE((SELECT json_agg(i ${ITEM_ORDER})
                   FROM (SELECT ${ITEM_COLUMNS} FROM reservation_items
                         WHERE order_id = r.order_id) AS i), '[]') AS items
       FROM reservations r WHERE r.order_id = $1 FOR UPDATE OF r`,
      [orderId],
    );
    const row = rows[0];
    return row && toReservations([row], row.items)[0];
  }

  async settleReservation(
    orderId: string,
    items: readonly ReservationItem[],
    move: 'commit' | 'release',
    status: ReservationStatus,
    event: EventEnvelope,
  ): Promise<void> {
    const skus = items.map((i) => i.sku);
    const { rows } = await this.client.query<{ moved: number }>(
      `WITH locked AS MATERIALIZED (
         SELECT sku FROM stock WHERE sku = ANY($2::text[]) ${ITEM_ORDER} FOR UPDATE
       ), moved AS (
         UPDATE stock s
         SET on_hand = s.on_hand - CASE WHEN $4 THEN m.quantity ELSE 0 END,
             reserved = s.reserved - m.quantity
         FROM unnest($2::text[], $3::int[]) AS m(sku, quantity)
         JOIN locked USING (sku)
         WHERE s.sku = m.sku
         RETURNING s.sku
       ), status AS (
         UPDATE reservations SET status = $5, updated_at = now() WHERE order_id = $1
       )
       INSERT INTO outbox ${OUTBOX_COLUMNS} VALUES ($6, $7, $8, $9, $10, $11)
       RETURNING (SELECT count(*)::int FROM moved) AS moved`,
      [
        orderId,
        skus,
        items.map((i) => i.quantity),
        move === 'commit',
        status,
        ...outbox.row(event, this.routing.topic ? { topic: this.routing.topic } : {}),
      ],
    );
    // Every line's stock row must exist: anything else is a bug, not a business case.
    if (rows[0]?.moved !== new Set(skus).size)
      throw new Error(
        `stock rows of ${orderId} missing (${rows[0]?.moved} of ${skus.length} moved)`,
      );
  }

  async takeAvailable(lines: readonly RequestedItem[]): Promise<RequestedItem[]> {
    // Lock first, in SKU order, and read what is left: a row locked FOR UPDATE is returned as
    // its latest committed version, so `available` cannot change before the update below.
    const { rows } = await this.client.query<{ sku: string; available: number }>(
      `SELECT sku, on_hand - reserved AS available FROM stock
       WHERE sku = ANY($1::text[]) ${ITEM_ORDER} FOR UPDATE`,
      [lines.map((l) => l.sku)],
    );
    const available = new Map(rows.map((r) => [r.sku, r.available]));
    const taken = lines.map(({ sku, quantity }) => ({
      sku,
      quantity: Math.max(0, Math.min(quantity, available.get(sku) ?? 0)),
    }));
    const moved = taken.filter((t) => t.quantity > 0);
    if (moved.length > 0)
      await this.client.query(
        `UPDATE stock s SET on_hand = s.on_hand - t.quantity
         FROM unnest($1::text[], $2::int[]) AS t(sku, quantity) WHERE s.sku = t.sku`,
        [moved.map((t) => t.sku), moved.map((t) => t.quantity)],
      );
    return taken;
  }

  async recordShortfall(orderId: string, lines: readonly RequestedItem[]): Promise<void> {
    await this.client.query(
      `INSERT INTO stock_shortfalls (order_id, sku, quantity)
       SELECT $1, * FROM unnest($2::text[], $3::int[])
       ON CONFLICT (order_id, sku) DO NOTHING`,
      [orderId, lines.map((l) => l.sku), lines.map((l) => l.quantity)],
    );
  }

  async setStatus(orderId: string, status: ReservationStatus): Promise<void> {
    await this.client.query(
      'UPDATE reservations SET status = $2, updated_at = now() WHERE order_id = $1',
      [orderId, status],
    );
  }

  async claimExpired(limit: number, recheckAfterMs: number): Promise<string[]> {
    const { rows } = await this.client.query<{ order_id: string }>(
      `UPDATE reservations r SET recheck_at = now() + make_interval(secs => $2::float8 / 1000)
       FROM (SELECT order_id FROM reservations
             WHERE status = 'RESERVED' AND expires_at <= now()
               AND (recheck_at IS NULL OR recheck_at <= now())
             ORDER BY expires_at
             LIMIT $1
             FOR UPDATE SKIP LOCKED) AS due
       WHERE r.order_id = due.order_id
       RETURNING r.order_id`,
      [limit, recheckAfterMs],
    );
    return rows.map((r) => r.order_id);
  }

  async publish(event: EventEnvelope): Promise<void> {
    await outbox.add(this.client, event, this.routing.topic ? { topic: this.routing.topic } : {});
  }
}
