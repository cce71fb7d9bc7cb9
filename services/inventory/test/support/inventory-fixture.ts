import { uniqueName } from '@rc/testing';
import type { Pool } from 'pg';

/** Adds a product with `onHand` units and returns its (unique) SKU. */
export async function addProduct(pool: Pool, onHand: number, price = 1_000): Promise<string> {
  const sku = uniqueName('SKU').toUpperCase();
  await pool.query(
    `INSERT INTO products (sku, name, description, price_minor, currency) VALUES ($1, $2, '', $3, 'EUR')`,
    [sku, `Product ${sku}`, price],
  );
  await pool.query('INSERT INTO stock (sku, on_hand) VALUES ($1, $2)', [sku, onHand]);
  return sku;
}

/** The stock row of `sku`. */
export async function stockOf(
  pool: Pool,
  sku: string,
): Promise<{ onHand: number; reserved: number }> {
  const { rows } = await pool.query<{ on_hand: number; reserved: number }>(
    'SELECT on_hand, reserved FROM stock WHERE sku = $1',
    [sku],
  );
  return { onHand: rows[0]!.on_hand, reserved: rows[0]!.reserved };
}

/** Outbox rows (type, key) for one aggregate, in publication order. */
export async function outboxEvents(
  pool: Pool,
  key: string,
): Promise<{ type: string; data: unknown }[]> {
  const { rows } = await pool.query<{ type: string; payload: { data: unknown } }>(
    'SELECT type, payload FROM outbox WHERE key = $1 ORDER BY id',
    [key],
  );
  return rows.map((r) => ({ type: r.type, data: r.payload.data }));
}

/** Moves a reservation's expiry into the past (as if its TTL had run out). */
export async function backdateExpiry(pool: Pool, orderId: string): Promise<void> {
  await pool.query(
    `UPDATE reservations SET expires_at = now() - interval '1 second' WHERE order_id = $1`,
    [orderId],
  );
}
