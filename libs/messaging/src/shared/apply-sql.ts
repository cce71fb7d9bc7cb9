import type { Pool } from 'pg';

/**
 * Runs an idempotent DDL script in one transaction under a transaction-level advisory lock, so
 * replicas starting together do not race on `CREATE TABLE IF NOT EXISTS` (which can fail with
 * a unique violation on the catalog when two sessions create the same table at once).
 */
export async function applySql(pool: Pool, lockName: string, sql: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockName]);
    await client.query(sql);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
