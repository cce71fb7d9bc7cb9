import { testEnv } from './config/test-env';
import { sqlIdentifier, withClient } from './pg-admin';
import { requirePostgres } from './require-infra';
import { uniqueName } from './unique-name';
import { Pool } from 'pg';

/** A schema created for one test file in the test database, dropped afterwards. */
export interface ThrowawaySchema {
  /** The schema's name (unique to this run). */
  schema: string;
  /** Pool whose sessions resolve unqualified names in `schema` (through `search_path`). */
  pool: Pool;
  /** Ends the pool and drops the schema with everything in it. */
  drop(): Promise<void>;
}

/**
 * Creates an empty schema in the test database (fails, never skips, with "run `npm run
 * infra:up`" when Postgres is down) and a pool bound to it. Cheaper than a whole database, for
 * suites that run migrations through a pool themselves: tables resolve through `search_path`,
 * as the services' migrations expect.
 */
export async function createThrowawaySchema(prefix: string, poolMax = 8): Promise<ThrowawaySchema> {
  const { databaseUrl } = testEnv();
  await requirePostgres(databaseUrl);
  const schema = sqlIdentifier(uniqueName(prefix));
  await withClient(databaseUrl, (c) => c.query(`CREATE SCHEMA ${schema}`));
  const pool = new Pool({
    connectionString: databaseUrl,
    options: `-c search_path=${schema}`,
    max: poolMax,
  });
  return {
    schema,
    pool,
    drop: async () => {
      await pool.end();
      await withClient(databaseUrl, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    },
  };
}
