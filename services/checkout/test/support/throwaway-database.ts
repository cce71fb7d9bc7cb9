import { requirePostgres, testEnv, uniqueName } from '@rc/testing';
import { Client, Pool } from 'pg';
import { migrateCheckoutDatabase } from '../../src/infrastructure/checkout.migrations';

/** A database created for one test file, with checkout's full schema, dropped afterwards. */
export interface ThrowawayDatabase {
  /** Connection URL of the new database. */
  url: string;
  pool: Pool;
  /** Another pool on the same database: a second replica. */
  newPool(max?: number): Pool;
  /** Ends the pools and drops the database. */
  drop(): Promise<void>;
}

/**
 * Creates and migrates a fresh database on the test server. Fails (never skips) with "run `npm
 * run infra:up`" when Postgres is unreachable. A whole database rather than a schema: the
 * libraries' tables (idempotency keys, outbox) are created exactly as in production.
 */
export async function createThrowawayDatabase(prefix = 'checkout'): Promise<ThrowawayDatabase> {
  const adminUrl = testEnv().databaseUrl;
  await requirePostgres(adminUrl);
  const name = uniqueName(prefix).replace(/-/g, '_');
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pools: Pool[] = [];
  const newPool = (max = 10): Pool => {
    const pool = new Pool({ connectionString: url.toString(), max });
    pool.on('error', () => undefined);
    pools.push(pool);
    return pool;
  };
  const pool = newPool();
  await migrateCheckoutDatabase(pool);
  return {
    url: url.toString(),
    pool,
    newPool,
    drop: async () => {
      await Promise.all(pools.map((p) => p.end()));
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
