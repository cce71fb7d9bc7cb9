import { createThrowawaySchema, type ThrowawaySchema } from '@rc/testing';
import { applyInboxMigration, applyOutboxMigration } from '../../../src';

/** A private schema in `rc_test` with the outbox and inbox tables, reached through search_path. */
export type IsolatedDatabase = ThrowawaySchema;

/** Creates a schema no other test run uses, migrates it and returns a pool bound to it. */
export async function createIsolatedDatabase(): Promise<IsolatedDatabase> {
  const db = await createThrowawaySchema('msg', 8);
  await applyOutboxMigration(db.pool);
  await applyInboxMigration(db.pool);
  return db;
}
