import { Client } from 'pg';

/** What {@link holdRowLocks} took: the transaction's session, to roll back. */
export interface HeldLocks {
  /** The database's name. */
  database: string;
  table: string;
  /** Rows locked FOR UPDATE. */
  rows: number;
  /** The Postgres backend holding them (pg_stat_activity.pid). */
  backendPid: number;
  /** Rolls the transaction back and closes the session: every lock is released at once. */
  release(): Promise<void>;
}

/** Seconds past the hold the server waits before ending the session itself (a dead man's switch). */
export const SERVER_SIDE_GRACE_S = 5;

/**
 * Opens a session on a service database from outside the service — as a long batch job or a
 * forgotten `BEGIN` in psql would — and locks every row of `table` FOR UPDATE in a transaction
 * left open. The service's statements that need those rows wait on the lock while holding
 * their pool connections, so its pool runs dry. Postgres releases the locks when the session
 * ends, whatever ends it: {@link HeldLocks.release}, the harness process dying (its socket
 * closes), or — if the harness is frozen rather than dead — the server's own
 * `idle_in_transaction_session_timeout`, set to the hold plus a grace.
 */
export async function holdRowLocks(
  databaseUrl: string,
  table: string,
  seconds: number,
): Promise<HeldLocks> {
  const database = new URL(databaseUrl).pathname.slice(1);
  const client = new Client({
    connectionString: databaseUrl,
    application_name: 'rc-chaos-lock-holder',
    // Taking the locks waits for the service's in-flight transactions, never for long.
    lock_timeout: 5_000,
    idle_in_transaction_session_timeout: (seconds + SERVER_SIDE_GRACE_S) * 1000,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('BEGIN');
    const locked = await client.query<{ rows: string }>(
      `SELECT count(*) AS rows FROM (SELECT 1 FROM ${quoteIdent(table)} FOR UPDATE) AS t`,
    );
    const pid = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    let released: Promise<void> | undefined;
    return {
      database,
      table,
      rows: Number(locked.rows[0]!.rows),
      backendPid: pid.rows[0]!.pid,
      release: () =>
        (released ??= client
          .query('ROLLBACK')
          .then(
            () => undefined,
            () => undefined,
          )
          .finally(() => client.end().catch(() => undefined))),
    };
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
}

/** A SQL identifier, quoted (the catalogue allows only lower-case names anyway). */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
