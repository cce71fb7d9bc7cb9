import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';

/** One forward-only SQL migration. `id` orders them (e.g. `001_orders`). */
export interface SqlMigration {
  /** Stable identifier; migrations run in ascending `id` order. */
  id: string;
  /** The SQL to run, in one transaction. */
  sql: string;
}

/** Thrown when an applied migration's text changed since it ran (drift between code and schema). */
export class MigrationDriftError extends Error {
  readonly code = 'PLATFORM.MIGRATION_DRIFT';
  constructor(id: string) {
    super(`migration ${id} was changed after it was applied; add a new migration instead`);
    this.name = 'MigrationDriftError';
  }
}

/**
 * Reads `NNN_name.sql` files from `dir` (a service's `migrations/` folder), sorted by name.
 */
export function loadSqlMigrations(dir: string): SqlMigration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ id: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }));
}

const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  id         text PRIMARY KEY,                 -- migration identifier, e.g. 001_orders
  checksum   text NOT NULL,                    -- sha256 of the SQL, to detect edits after apply
  applied_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE schema_migrations IS 'Which SQL migrations of this service ran, and the text they ran with.';
`;

/**
 * Applies every migration not yet recorded in `schema_migrations`, each in its own transaction,
 * while holding a session-level advisory lock so replicas starting together apply them once.
 * Refuses (MigrationDriftError) when an applied migration's SQL changed. Returns the ids applied.
 */
export async function runMigrations(
  pool: Pool,
  migrations: readonly SqlMigration[],
  lockName = 'schema_migrations',
): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockName]);
    await client.query(CREATE_TABLE);
    const done = await client.query<{ id: string; checksum: string }>(
      'SELECT id, checksum FROM schema_migrations',
    );
    const checksums = new Map(done.rows.map((r) => [r.id, r.checksum]));
    for (const m of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
      const checksum = createHash('sha256').update(m.sql).digest('hex');
      const previous = checksums.get(m.id);
      if (previous !== undefined) {
        if (previous !== checksum) throw new MigrationDriftError(m.id);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (id, checksum) VALUES ($1, $2)', [
          m.id,
          checksum,
        ]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
      applied.push(m.id);
    }
    return applied;
  } finally {
    await client
      .query('SELECT pg_advisory_unlock(hashtext($1))', [lockName])
      .catch(() => undefined);
    client.release();
  }
}
