import type { Pool } from 'pg';
import type { InventoryReader } from '../domain/inventory-store.port';
import type { Product } from '../domain/product';
import type { Reservation } from '../domain/reservation';
import {
  ITEM_COLUMNS,
  ITEM_ORDER,
  type ReservationItemRow,
  type ReservationRow,
  toReservations,
} from './reservation.rows';

interface ProductRow {
  sku: string;
  name: string;
  description: string;
  price_minor: string;
  currency: string;
  available: number;
}

const PRODUCT_SELECT = `
  SELECT p.sku, p.name, p.description, p.price_minor, p.currency,
         COALESCE(s.on_hand - s.reserved, 0)::int AS available
  FROM products p LEFT JOIN stock s ON s.sku = p.sku`;

function toProduct(row: ProductRow): Product {
  return {
    sku: row.sku,
    name: row.name,
    description: row.description,
    price: Number(row.price_minor),
    currency: row.currency,
    available: row.available,
  };
}

/**
 * Read side on the pool, without locks: a product's `available` is a snapshot that may be
 * stale by the time a reserve runs — the reserve's conditional UPDATE is what decides.
 */
export class PgInventoryReader implements InventoryReader {
  constructor(private readonly pool: Pool) {}

  async listProducts(): Promise<Product[]> {
    const { rows } = await this.pool.query<ProductRow>(`${PRODUCT_SELECT} ORDER BY p.sku`);
    return rows.map(toProduct);
  }

  async findProduct(sku: string): Promise<Product | undefined> {
    const { rows } = await this.pool.query<ProductRow>(`${PRODUCT_SELECT} WHERE p.sku = $1`, [sku]);
    return rows[0] && toProduct(rows[0]);
  }

  async findReservation(orderId: string): Promise<Reservation | undefined> {
    const { rows } = await this.pool.query<ReservationRow>(
      'SELECT order_id, status, expires_at FROM reservations WHERE order_id = $1',
      [orderId],
    );
    if (rows.length === 0) return undefined;
    const items = await this.pool.query<ReservationItemRow>(
      `SELECT ${ITEM_COLUMNS} FROM reservation_items WHERE order_id = $1 ${ITEM_ORDER}`,
      [orderId],
    );
    return toReservations(rows, items.rows)[0];
  }

  async countHeldPastExpiry(): Promise<number> {
    // The partial index on expires_at (status = 'RESERVED') serves this.
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM reservations WHERE status = 'RESERVED' AND expires_at <= now()`,
    );
    return rows[0]!.n;
  }
}
