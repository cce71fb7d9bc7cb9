import { requirePostgres, testEnv, uniqueName } from '@rc/testing';
import { Client, Pool } from 'pg';
import { applyInboxMigration, applyOutboxMigration } from '../../../src';

/** A private schema in `rc_test` with the outbox and inbox tables, reached through search_path. */
export interface IsolatedDatabase {
  schema: string;
  /** Pool whose sessions resolve unqualified names in `schema`. */
  pool: Pool;
  /** Ends the pool and drops the schema. */
  drop(): Promise<void>;
}

/** Creates a schema no other test run uses, migrates it and returns a pool bound to it. */
export async function createIsolatedDatabase(): Promise<IsolatedDatabase> {
  await requirePostgres();
  const { databaseUrl } = testEnv();
  const schema = uniqueName('msg').replace(/-/g, '_');
  await withClient(databaseUrl, (c) => c.query(`CREATE SCHEMA ${schema}`));
  const pool = new Pool({
    connectionString: databaseUrl,
    options: `-c search_path=${schema}`,
    max: 8,
  });
  await applyOutboxMigration(pool);
  await applyInboxMigration(pool);
  return {
    schema,
    pool,
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
