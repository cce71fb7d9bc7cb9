import { applyOutboxMigration } from '@rc/messaging';
import { loadSqlMigrations, runMigrations } from '@rc/platform';
import { applyIdempotencyMigration } from '@rc/resilience';
import { join } from 'node:path';
import type { Pool } from 'pg';

/** The service's own SQL files (`services/checkout/migrations`, beside `src/` and `dist/`). */
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

/**
 * Brings the database to the current schema at start-up: the libraries' tables (idempotency
 * keys, outbox — idempotent DDL, each under its own lock) and then the service's own SQL files,
 * each applied once under an advisory lock and recorded in `schema_migrations`. Safe when
 * several replicas start together.
 */
export async function migrateCheckoutDatabase(pool: Pool): Promise<string[]> {
  await applyIdempotencyMigration(pool);
  await applyOutboxMigration(pool);
  return runMigrations(pool, loadSqlMigrations(MIGRATIONS_DIR), 'checkout.schema_migrations');
}
