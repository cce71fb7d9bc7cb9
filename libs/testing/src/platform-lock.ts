import { Client } from 'pg';

/** Advisory-lock key of "a whole platform is running against the shared databases" ('rcpl'). */
export const PLATFORM_LOCK_KEY = 0x7263706c;

/** Options of {@link acquirePlatformLock}. */
export interface PlatformLockOptions {
  /** Any database on the shared server (the lock is server-wide). */
  databaseUrl: string;
  /** Shown to a run that waits for this one (pg_stat_activity.application_name). */
  label: string;
  /** How long to wait for another run before giving up. */
  waitMs: number;
  /** Progress while waiting (default: stderr). */
  onWait?: (message: string) => void;
  /** How often to report while waiting. */
  reportEveryMs?: number;
  /** The advisory-lock key (tests use their own). Default {@link PLATFORM_LOCK_KEY}. */
  key?: number;
}

/**
 * Takes the server-wide advisory lock that makes whole-platform runs (the end-to-end suites, the
 * checkout benchmark) take turns: they share the services' databases, topics and consumer
 * groups, so two at once would consume each other's events and count each other's orders. The
 * lock lives as long as the returned connection: `release()` ends it, and so does a crash of this
 * process (Postgres drops a session's locks when its connection closes), so a killed run never
 * blocks the next one. Waits up to `waitMs`, telling who holds it, then throws.
 */
export async function acquirePlatformLock(
  options: PlatformLockOptions,
): Promise<{ release: () => Promise<void> }> {
  const onWait = options.onWait ?? ((m: string) => process.stderr.write(`${m}\n`));
  const key = options.key ?? PLATFORM_LOCK_KEY;
  const client = new Client({
    connectionString: options.databaseUrl,
    application_name: options.label.slice(0, 63),
  });
  // A connection lost mid-run (server restart) ends the lock: say so instead of crashing the run.
  client.on('error', (e) =>
    onWait(`[platform] the platform lock's connection failed (${e.message}): other runs may start`),
  );
  await client.connect();
  const started = Date.now();
  let lastReport = 0;
  try {
    for (;;) {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1) AS locked',
        [key],
      );
      if (rows[0]?.locked) break;
      const waited = Date.now() - started;
      if (waited >= options.waitMs) {
        throw new Error(
          `another platform run (${await holder(client, key)}) still holds the platform lock after ` +
            `${Math.round(waited / 1000)} s; end-to-end suites and benchmarks share the databases, ` +
            'topics and consumer groups, so they run one at a time',
        );
      }
      if (Date.now() - lastReport >= (options.reportEveryMs ?? 10_000)) {
        lastReport = Date.now();
        onWait(
          `[platform] waiting for another platform run to finish (${await holder(client, key)}; ` +
            `${Math.round(waited / 1000)} s so far, giving up after ${Math.round(options.waitMs / 1000)} s)`,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  return {
    release: async () => {
      await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/** Who holds the lock, as its application name says. */
async function holder(client: Client, key: number): Promise<string> {
  const { rows } = await client.query<{ name: string | null }>(
    `SELECT a.application_name AS name
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1::bigint
      LIMIT 1`,
    [key],
  );
  return rows[0]?.name || 'unknown holder';
}
