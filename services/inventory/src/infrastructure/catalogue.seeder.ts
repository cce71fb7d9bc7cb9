import { withTransaction } from '@rc/platform';
import type { Pool } from 'pg';
import { SEED_CATALOGUE, type SeedProduct } from './catalogue.seed-data';

/**
 * Loads `products` (default: the demo catalogue, all in EUR) with their stock when the products
 * table is empty. Idempotent and safe when replicas start together: each row is inserted with
 * `ON CONFLICT DO NOTHING`, so the race between two empty-table checks inserts every row once.
 * Returns how many products were inserted.
 */
export async function seedCatalogue(
  pool: Pool,
  products: readonly SeedProduct[] = SEED_CATALOGUE,
  currency = 'EUR',
): Promise<number> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ empty: boolean }>(
      'SELECT NOT EXISTS (SELECT 1 FROM products) AS empty',
    );
    if (!rows[0]?.empty) return 0;
    const inserted = await client.query(
      `INSERT INTO products (sku, name, description, price_minor, currency)
       SELECT sku, name, description, price, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
         AS t (sku, name, description, price)
       ON CONFLICT (sku) DO NOTHING`,
      [
        products.map((p) => p.sku),
        products.map((p) => p.name),
        products.map((p) => p.description),
        products.map((p) => p.priceMinor),
        currency,
      ],
    );
    await client.query(
      `INSERT INTO stock (sku, on_hand)
       SELECT * FROM unnest($1::text[], $2::int[])
       ON CONFLICT (sku) DO NOTHING`,
      [products.map((p) => p.sku), products.map((p) => p.onHand)],
    );
    return inserted.rowCount ?? 0;
  });
}
