import { requirePostgres, testEnv, uniqueName } from '@rc/testing';
import { Client, Pool } from 'pg';
import { migrateAnalyticsDatabase } from '../../src/infrastructure/analytics.migrations';

/**
 * A private schema in the test database, migrated exactly as the service migrates rc_analytics
 * at start-up, with a pool whose sessions resolve names in it. `drop` ends the pool and drops
 * the schema.
 */
export async function createAnalyticsDatabase() {
  await requirePostgres();
  const { databaseUrl } = testEnv();
  const schema = uniqueName('analytics').replace(/-/g, '_');
  await withClient(databaseUrl, (c) => c.query(`CREATE SCHEMA ${schema}`));
  const pool = new Pool({
    connectionString: databaseUrl,
    options: `-c search_path=${schema}`,
    max: 6,
  });
  const applied = await migrateAnalyticsDatabase(pool, { schema });
  return {
    schema,
    pool,
    applied,
    drop: async () => {
      await pool.end();
      await withClient(databaseUrl, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    },
  };
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
