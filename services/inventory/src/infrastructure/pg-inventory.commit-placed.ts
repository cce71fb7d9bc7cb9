import { OUTBOX_COLUMNS, outbox } from '@rc/messaging';
import type { Pool } from 'pg';
import type { HeldCommit } from '../domain/inventory-store.port';
import type { EventRouting } from './pg-inventory.transaction';
import { ITEM_ORDER } from './reservation.rows';

/**
 * The common `OrderPlaced` events of a batch in ONE statement, with no BEGIN/COMMIT around it
 * (the general path is BEGIN, the inbox insert, each order's read-and-lock and settle, COMMIT).
 * Every write is gated, and a single statement is atomic on its own:
 * - `listed` locks, in order-id order, the reservations of the listed orders, and `held` keeps
 *   those that are RESERVED with exactly their event's lines (same SKUs, same quantities). A
 *   concurrent settle (the expiry worker, the HTTP commit) makes a row wait; the lock then
 *   returns the row as that settle left it, no longer RESERVED, so it drops out of `held`;
 * - `locked` locks the stock rows of the held orders' lines in SKU order (the one lock order);
 * - `fresh` records in the inbox the events of the held orders, only if every one of those
 *   stock rows was locked; an event applied before conflicts and drops out;
 * - stock, statuses and outbox rows are written for the orders of `fresh` only.
 * The statement returns the event ids it applied; for the others nothing was written, and the
 * caller takes the general path (a duplicate; a committed, released or expired hold; no
 * reservation; lines that differ).
 *
 * Rows of the big tables are only ever reached by primary key from the arrays given
 * (`= ANY(...)`), never by a join the planner may turn into a scan: as a prepared statement
 * (see `createPgPool`) a generic plan once scanned every RESERVED reservation, checking each
 * one's lines, ~4 ms of Postgres CPU per event. For the same reason the lock reads the listed
 * reservations by primary key alone and `held` filters on the status after it: with
 * `status = 'RESERVED'` beside the `order_id` condition, the planner ANDed the primary key with
 * the whole partial index of RESERVED holds on `expires_at` (a bitmap scan of every entry, dead
 * ones included until a vacuum: ~6 500 entries per batch after ~8 000 checkouts on a database
 * without autovacuum), so each batch cost more the more holds the table kept.
 *
 * Parameters: $1 group; per event, in parallel arrays: $2 event ids, $3 order ids; per line:
 * $4 the event's index (1-based), $5 SKU, $6 quantity; per event, the `StockCommitted` outbox
 * row: $7 event id, $8 topic, $9 key, $10 type, $11 payload, $12 headers.
 */
export const COMMIT_HELD_SQL = `
  WITH ev AS MATERIALIZED (
    SELECT * FROM unnest($2::uuid[], $3::uuid[]) WITH ORDINALITY AS e(event_id, order_id, idx)
  ), req AS MATERIALIZED (
    SELECT ev.order_id, r.sku, r.quantity
    FROM unnest($4::int[], $5::text[], $6::int[]) AS r(idx, sku, quantity) JOIN ev USING (idx)
  ), listed AS MATERIALIZED (
    SELECT r.order_id, r.status FROM reservations r
    WHERE r.order_id = ANY($3::uuid[])
    ORDER BY r.order_id FOR UPDATE OF r
  ), held AS MATERIALIZED (
    SELECT l.order_id FROM listed l
    WHERE l.status = 'RESERVED'
      AND NOT EXISTS (
        (SELECT sku, quantity FROM reservation_items i WHERE i.order_id = l.order_id
         EXCEPT SELECT sku, quantity FROM req WHERE req.order_id = l.order_id)
        UNION ALL
        (SELECT sku, quantity FROM req WHERE req.order_id = l.order_id
         EXCEPT SELECT sku, quantity FROM reservation_items i WHERE i.order_id = l.order_id))
  ), wanted AS MATERIALIZED (
    SELECT sku, sum(quantity)::int AS quantity FROM req
    WHERE order_id IN (SELECT order_id FROM held) GROUP BY sku
  ), locked AS MATERIALIZED (
    SELECT sku FROM stock WHERE sku = ANY(ARRAY(SELECT sku FROM wanted)) ${ITEM_ORDER} FOR UPDATE
  ), fresh AS MATERIALIZED (
    INSERT INTO inbox (consumer_group, event_id)
    SELECT $1, ev.event_id FROM ev JOIN held USING (order_id)
    WHERE (SELECT count(*) FROM locked) = (SELECT count(*) FROM wanted)
    ON CONFLICT (consumer_group, event_id) DO NOTHING
    RETURNING event_id
  ), done AS MATERIALIZED (
    SELECT ev.idx, ev.order_id FROM ev JOIN fresh USING (event_id)
  ), moved AS (
    UPDATE stock s SET on_hand = s.on_hand - m.quantity, reserved = s.reserved - m.quantity
    FROM (SELECT sku, sum(quantity)::int AS quantity FROM req
          WHERE order_id IN (SELECT order_id FROM done) GROUP BY sku) AS m
    WHERE s.sku = m.sku
  ), settled AS (
    UPDATE reservations SET status = 'COMMITTED', updated_at = now()
    WHERE order_id = ANY(ARRAY(SELECT order_id FROM done))
  ), published AS (
    INSERT INTO outbox ${OUTBOX_COLUMNS}
    SELECT o.event_id, o.topic, o.key, o.type, o.payload::jsonb, o.headers::jsonb
    FROM unnest($7::uuid[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
      WITH ORDINALITY AS o(event_id, topic, key, type, payload, headers, idx)
    JOIN done USING (idx)
    ORDER BY o.idx
  )
  SELECT COALESCE(array_agg(event_id::text), '{}') AS applied FROM fresh`;

/**
 * {@link EventApplyingUnitOfWork.commitHeldOnce} on Postgres: {@link COMMIT_HELD_SQL}, one
 * round trip for the whole list. Event ids and order ids must each be unique in `orders`.
 * Resolves to the event ids applied.
 */
export async function commitHeldInOneStatement(
  pool: Pool,
  routing: EventRouting,
  group: string,
  orders: readonly HeldCommit[],
): Promise<Set<string>> {
  const lines = orders.flatMap((o, i) => o.items.map((item) => ({ idx: i + 1, ...item })));
  const rows = orders.map((o) =>
    outbox.row(o.event, routing.topic ? { topic: routing.topic } : {}),
  );
  const column = (c: number) => rows.map((r) => r[c]);
  const { rows: result } = await pool.query<{ applied: string[] }>(COMMIT_HELD_SQL, [
    group,
    orders.map((o) => o.eventId),
    orders.map((o) => o.orderId),
    lines.map((l) => l.idx),
    lines.map((l) => l.sku),
    lines.map((l) => l.quantity),
    ...[0, 1, 2, 3, 4, 5].map(column),
  ]);
  // Postgres answers a uuid in lower case: map back to the ids as the events gave them.
  const byLower = new Map(orders.map((o) => [o.eventId.toLowerCase(), o.eventId]));
  return new Set(result[0]!.applied.map((id) => byLower.get(id) ?? id));
}
