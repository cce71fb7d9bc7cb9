import {
  createThrowawayDatabase as createEmptyDatabase,
  type ThrowawayDatabase,
} from '@rc/testing';
import { migrateCheckoutDatabase } from '../../src/infrastructure/checkout.migrations';

export type { ThrowawayDatabase };

/**
 * A fresh database on the test server with checkout's full schema, dropped afterwards. Fails
 * (never skips) with "run `npm run infra:up`" when Postgres is unreachable. A whole database
 * rather than a schema: the libraries' tables (idempotency keys, outbox) are created exactly as
 * in production.
 */
export async function createThrowawayDatabase(prefix = 'checkout'): Promise<ThrowawayDatabase> {
  const db = await createEmptyDatabase(prefix, 10);
  await migrateCheckoutDatabase(db.pool);
  return db;
}
