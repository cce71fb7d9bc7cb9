import { applyInboxMigration } from '@rc/messaging';
import { loadSqlMigrations, runMigrations } from '@rc/platform';
import { applyIdempotencyMigration } from '@rc/resilience';
import { join } from 'node:path';
import type { Pool } from 'pg';

/** The service's own SQL migrations (the folder sits next to `src/` and `dist/`). */
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

/**
 * Brings the database up to date at start-up: the messaging inbox and the resilience
 * idempotency table (their libs' idempotent DDL, so a lib update never trips the drift check),
 * then this service's `NNN_name.sql` files, once each, under an advisory lock. Tables resolve
 * through the pool's `search_path`; `schema` names it for the idempotency DDL (default public).
 */
export async function migrateAnalyticsDatabase(
  pool: Pool,
  options: { schema?: string } = {},
): Promise<string[]> {
  await applyInboxMigration(pool);
  await applyIdempotencyMigration(pool, options);
  return runMigrations(pool, loadSqlMigrations(MIGRATIONS_DIR), 'rc_analytics.schema_migrations');
}
