import { testEnv } from './config/test-env';
import { requirePostgres } from './require-infra';
import { uniqueName } from './unique-name';
import { Client, Pool } from 'pg';

/** A database created for one test file, dropped afterwards. */
export interface ThrowawayDatabase {
  /** Connection URL of the new database. */
  url: string;
  pool: Pool;
  /** Ends the pool and drops the database (forcing out any straggling session). */
  drop(): Promise<void>;
}

/**
 * Creates an empty database on the test server (fails, never skips, with "run `npm run
 * infra:up`" when Postgres is down), so a suite owns every table it touches, including the
 * shared-library ones, and can run beside any other suite.
 */
export async function createThrowawayDatabase(
  prefix: string,
  poolMax = 20,
): Promise<ThrowawayDatabase> {
  const adminUrl = testEnv().databaseUrl;
  await requirePostgres(adminUrl);
  const name = uniqueName(prefix).replace(/-/g, '_');
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.toString(), max: poolMax });
  // The forced drop may still meet a closing idle session; that error is expected, not a failure.
  pool.on('error', () => undefined);
  return {
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
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
