import { testEnv } from './config/test-env';
import { sqlIdentifier, withClient } from './pg-admin';
import { requirePostgres } from './require-infra';
import { uniqueName } from './unique-name';
import { Pool } from 'pg';

/** A database created for one test file, dropped afterwards. */
export interface ThrowawayDatabase {
  /** Connection URL of the new database. */
  url: string;
  pool: Pool;
  /** Another pool on the same database (a second replica, say); `drop` ends it too. */
  newPool(max?: number): Pool;
  /** Ends every pool and drops the database (forcing out any straggling session). */
  drop(): Promise<void>;
}

/**
 * Creates an empty database on the test server (fails, never skips, with "run `npm run
 * infra:up`" when Postgres is down), so a suite owns every table it touches, including the
 * shared-library ones, and can run beside any other suite. A whole database rather than a
 * schema suits a service started as it runs in production: it migrates the database itself.
 */
export async function createThrowawayDatabase(
  prefix: string,
  poolMax = 20,
): Promise<ThrowawayDatabase> {
  const adminUrl = testEnv().databaseUrl;
  await requirePostgres(adminUrl);
  const name = sqlIdentifier(uniqueName(prefix));
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pools: Pool[] = [];
  const newPool = (max = poolMax): Pool => {
    const pool = new Pool({ connectionString: url.toString(), max });
    // The forced drop may still meet a closing idle session; that error is expected, not a failure.
    pool.on('error', () => undefined);
    pools.push(pool);
    return pool;
  };
  return {
    url: url.toString(),
    pool: newPool(),
    newPool,
    drop: async () => {
      await Promise.all(pools.map((p) => p.end()));
      await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
