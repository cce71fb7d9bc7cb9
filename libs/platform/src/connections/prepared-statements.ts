import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryConfig } from 'pg';

/**
 * Most distinct statement texts that get a name. Past it, further texts run unnamed as before:
 * a caller that builds SQL text per call (which none should) cannot grow the server's
 * per-connection statement cache without bound.
 */
const MAX_NAMED_STATEMENTS = 512;
const names = new Map<string, string>();

/**
 * The statement's name: a digest of its text, so one text always maps to one name on every
 * connection (node-postgres refuses one name for two texts).
 */
function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
    name = `rc_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

type QueryFn = (...args: unknown[]) => unknown;

/**
 * Makes every parameterised query of the pool's clients a named prepared statement. node-postgres
 * sends an unnamed Parse for each parameterised query, so Postgres parses, analyses and plans the
 * same few dozen statements again on every call; named, each connection prepares a statement
 * once and then only binds and executes it (less server CPU per statement, and a smaller message
 * per call). Plain-text queries without values (BEGIN, COMMIT, migrations, several statements in
 * one string) and query-config objects are passed through untouched.
 *
 * Postgres re-plans a prepared statement itself when a table it uses changes. Not for a
 * transaction-pooling proxy (PgBouncer in transaction mode before 1.21), where a connection's
 * prepared statements may not be the ones the next transaction finds: turn it off there.
 */
export function prepareParameterisedQueries(pool: Pool): void {
  pool.on('connect', (client: PoolClient) => {
    const query = client.query.bind(client) as QueryFn;
    const preparing: QueryFn = (...args) => {
      const [text, values] = args;
      if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
        const name = nameOf(text);
        if (name) {
          const config: QueryConfig = { name, text, values: values as unknown[] };
          return query(config, ...args.slice(2));
        }
      }
      return query(...args);
    };
    (client as unknown as { query: QueryFn }).query = preparing;
  });
}
