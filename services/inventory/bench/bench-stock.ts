import type { Pool } from 'pg';

const SKUS = 30;

/** Adds 30 products (`BENCH-00`…) with ten million units each; returns their SKUs. */
export async function addBenchProducts(pool: Pool): Promise<string[]> {
  const skus = Array.from({ length: SKUS }, (_, i) => `BENCH-${String(i).padStart(2, '0')}`);
  await pool.query(
    `INSERT INTO products (sku, name, description, price_minor, currency)
     SELECT sku, sku, '', 1000, 'EUR' FROM unnest($1::text[]) AS sku`,
    [skus],
  );
  await pool.query(
    'INSERT INTO stock (sku, on_hand) SELECT sku, 10000000 FROM unnest($1::text[]) AS sku',
    [skus],
  );
  return skus;
}
