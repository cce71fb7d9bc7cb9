import { applyInboxMigration, applyOutboxMigration } from '@rc/messaging';
import { loadSqlMigrations, runMigrations } from '@rc/platform';
import { applyIdempotencyMigration } from '@rc/resilience';
import { join } from 'node:path';
import type { Pool } from 'pg';

/** The service's own SQL files (`services/inventory/migrations`, beside `src/` and `dist/`). */
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

/**
 * Brings the database to the current schema at start-up: the libraries' tables (idempotency
 * keys, outbox, inbox — each idempotent DDL under its own lock) and then the service's own SQL
 * files, each applied once under an advisory lock and recorded in `schema_migrations`.
 */
export async function migrateInventoryDatabase(pool: Pool): Promise<string[]> {
  await applyIdempotencyMigration(pool);
  await applyOutboxMigration(pool);
  await applyInboxMigration(pool);
  return runMigrations(pool, loadSqlMigrations(MIGRATIONS_DIR), 'inventory.schema_migrations');
}
