import { Client } from 'pg';

/** Runs `fn` on a single short-lived connection to `url` (DDL the pools must not hold). */
export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** `uniqueName` made a valid unquoted SQL identifier (hyphens are not allowed in one). */
export function sqlIdentifier(name: string): string {
  return name.replace(/-/g, '_');
}
