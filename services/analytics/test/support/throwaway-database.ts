import { requirePostgres, testEnv, uniqueName } from '@rc/testing';
import { Client } from 'pg';

/**
 * A database of its own on the test server, for tests that start the whole service (which
 * migrates its database itself): `url` to hand to the service, `drop` when done.
 */
export async function createThrowawayDatabase() {
  await requirePostgres();
  const admin = testEnv().databaseUrl;
  const name = uniqueName('rc_analytics_it').replace(/-/g, '_');
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
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
