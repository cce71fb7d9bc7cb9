import { applyOutboxMigration } from '@rc/messaging';
import { loadSqlMigrations, runMigrations } from '@rc/platform';
import { applyIdempotencyMigration } from '@rc/resilience';
import { join } from 'node:path';
import type { Pool } from 'pg';

/** The service's own SQL files (`services/payment/migrations`, beside `src/` and `dist/`). */
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

/**
 * Brings the database to the current schema at start-up: the libraries' tables (idempotency
 * keys, outbox — idempotent DDL under their own locks), then the service's SQL files, each
 * applied once under an advisory lock and recorded in `schema_migrations`.
 */
export async function migratePaymentDatabase(pool: Pool): Promise<string[]> {
  await applyIdempotencyMigration(pool);
  await applyOutboxMigration(pool);
  return runMigrations(pool, loadSqlMigrations(MIGRATIONS_DIR), 'payment.schema_migrations');
}
