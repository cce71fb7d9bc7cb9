import { createThrowawaySchema } from '@rc/testing';
import { migrateAnalyticsDatabase } from '../../src/infrastructure/analytics.migrations';

/**
 * A private schema in the test database, migrated exactly as the service migrates rc_analytics
 * at start-up, with a pool whose sessions resolve names in it. `drop` ends the pool and drops
 * the schema; `applied` lists the migrations that ran.
 */
export async function createAnalyticsDatabase() {
  const db = await createThrowawaySchema('analytics', 6);
  const applied = await migrateAnalyticsDatabase(db.pool, { schema: db.schema });
  return { ...db, applied };
}
