import type { EventEnvelope } from '@rc/contracts';
import { OUTBOX_COLUMNS, outbox } from '@rc/messaging';
import { isoTimestampSql } from '@rc/resilience';
import type { Pool } from 'pg';
import type { ReserveAttempt, ReserveCompletion } from '../domain/inventory-store.port';
import type { RequestedItem } from '../domain/reservation';
import type { EventRouting } from './pg-inventory.transaction';
import {
  ITEM_ORDER,
  type ReservationItemRow,
  type ReservationRow,
  toReservations,
} from './reservation.rows';

/**
 * A whole reserve in ONE statement, so in one round trip and without BEGIN/COMMIT around it (it
 * was five: BEGIN, header + prices, one stock update per line, lines + outbox, COMMIT). Every
 * write is gated on the verdict, and a single statement is atomic on its own:
 * - `locked` locks the stock rows in SKU order (the one lock order) and reads what is available
 *   in their latest committed version — a row locked FOR UPDATE cannot change until we commit,
 *   so the verdict cannot go stale before the update;
 * - `verdict` names the SKUs missing from the catalogue and the lines short of stock;
 * - only when both are empty is the header inserted (`ON CONFLICT DO NOTHING`: a retry or a
 *   release tombstone finds the existing header and nothing else is written);
 * - stock, lines and the outbox row are written only when the header was.
 */
const RESERVE_CTES = `
  WITH req AS (
    SELECT * FROM unnest($3::text[], $4::int[]) AS r(sku, quantity)
  ), locked AS MATERIALIZED (
    SELECT sku, on_hand - reserved AS available FROM stock
    WHERE sku = ANY($3::text[]) ${ITEM_ORDER} FOR UPDATE
  ), priced AS MATERIALIZED (
    SELECT r.sku, r.quantity, p.price_minor, p.currency, l.available
    FROM req r JOIN products p USING (sku) JOIN locked l USING (sku)
  ), verdict AS MATERIALIZED (
    SELECT
      ARRAY(SELECT sku FROM req WHERE sku NOT IN (SELECT sku FROM priced) ${ITEM_ORDER}) AS unknown,
      ARRAY(SELECT sku FROM priced WHERE available < quantity ${ITEM_ORDER}) AS short
  ), inserted AS (
    INSERT INTO reservations (order_id, status, expires_at)
    SELECT $1, 'RESERVED', now() + make_interval(secs => $2)
    FROM verdict WHERE cardinality(unknown) = 0 AND cardinality(short) = 0
    ON CONFLICT (order_id) DO NOTHING
    RETURNING order_id, status, expires_at
  ), held AS (
    UPDATE stock s SET reserved = s.reserved + p.quantity
    FROM priced p, inserted
    WHERE s.sku = p.sku
    RETURNING s.sku
  ), lines AS (
    INSERT INTO reservation_items (order_id, sku, quantity, unit_price_minor, currency)
    SELECT inserted.order_id, p.sku, p.quantity, p.price_minor, p.currency
    FROM priced p, inserted
  ), published AS (
    INSERT INTO outbox ${OUTBOX_COLUMNS} SELECT $5, $6, $7, $8, $9, $10 FROM inserted
  )`;

/** The reserve's result row; `extra` adds columns (e.g. an Idempotency-Key part's result). */
const reserveSelect = (extra = '') => `
  SELECT ${extra}inserted.order_id, inserted.status, inserted.expires_at, verdict.unknown, verdict.short,
    (SELECT count(*)::int FROM held) AS held,
    (SELECT json_agg(json_build_object(
       'order_id', $1::text, 'sku', sku, 'quantity', quantity,
       'unit_price_minor', price_minor::text, 'currency', currency) ${ITEM_ORDER})
     FROM priced) AS items
  FROM verdict LEFT JOIN inserted ON true`;

const RESERVE_SQL = RESERVE_CTES + reserveSelect();

/** The new reservation's fields as JSON values, from the statement's CTEs (see ReserveCompletion). */
const RESERVATION_SQL: Readonly<Record<string, string>> = {
  orderId: '(SELECT order_id FROM inserted)',
  status: '(SELECT status FROM inserted)',
  expiresAt: isoTimestampSql('(SELECT expires_at FROM inserted)'),
  items: `(SELECT json_agg(json_build_object('sku', sku, 'quantity', quantity,
             'unitPrice', price_minor, 'currency', currency) ${ITEM_ORDER}) FROM priced)`,
};

type ReserveRow = Partial<ReservationRow> & {
  unknown: string[];
  short: string[];
  held: number;
  items: ReservationItemRow[] | null;
};

/** {@link InventoryUnitOfWork.reserve} on Postgres: {@link RESERVE_SQL}, one round trip. */
export async function reserveInOneStatement(
  pool: Pool,
  routing: EventRouting,
  orderId: string,
  ttlSeconds: number,
  items: readonly RequestedItem[],
  event: EventEnvelope,
  completion?: ReserveCompletion,
): Promise<ReserveAttempt> {
  const part = completion?.(RESERVATION_SQL);
  // With the request's Idempotency-Key completed in the same statement when the header is in.
  const sql = part
    ? `${RESERVE_CTES}, ${part.cte('idem', 11, 'EXISTS (SELECT 1 FROM inserted)')}
       ${reserveSelect(`${part.result('idem')} AS idem, `)}`
    : RESERVE_SQL;
  const { rows } = await pool.query<ReserveRow & { idem?: unknown }>(sql, [
    orderId,
    ttlSeconds,
    items.map((i) => i.sku),
    items.map((i) => i.quantity),
    ...outbox.row(event, routing.topic ? { topic: routing.topic } : {}),
    ...(part?.values ?? []),
  ]);
  const row = rows[0]!;
  part?.settle(row.idem);
  if (!row.order_id) return { reservation: undefined, unknown: row.unknown, short: row.short };
  // The rows were locked and judged available: anything else is a bug, not a business case.
  if (row.held !== items.length)
    throw new Error(`reserve of ${orderId} held ${row.held} of ${items.length} lines`);
  return { reservation: toReservations([row as ReservationRow], row.items ?? [])[0]! };
}
