import type { Pool } from 'pg';

/** Table name of the idempotency store (inside the configured schema). */
export const IDEMPOTENCY_TABLE = 'idempotency_keys';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws unless `schema` is a plain lower-case SQL identifier (it is spliced into SQL). */
export function assertSchemaName(schema: string): void {
  if (!IDENTIFIER.test(schema)) {
    throw new RangeError(`idempotency schema must match ${IDENTIFIER.source}, got "${schema}"`);
  }
}

/**
 * The DDL of the idempotency table in `schema` (default `public`). Idempotent (IF NOT EXISTS),
 * so a service can run it on every start among its own migrations. The same SQL, rendered for
 * `public`, is checked in as `libs/resilience/migrations/001_idempotency_keys.sql` for tools
 * that run plain SQL files; a unit test keeps the two identical. It lives in a .ts module so
 * it ships inside `dist` with no copy step.
 */
export function idempotencyMigrationSql(schema = 'public'): string {
  assertSchemaName(schema);
  const t = `${schema}.${IDEMPOTENCY_TABLE}`;
  return `-- Idempotency keys (IETF Idempotency-Key draft, Stripe semantics); owned by @rc/resilience.
CREATE TABLE IF NOT EXISTS ${t} (
  scope            text        NOT NULL CHECK (char_length(scope) BETWEEN 1 AND 200),
  key              text        NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
  fingerprint      text        NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  state            text        NOT NULL CHECK (state IN ('in_flight', 'completed')),
  lock_token       uuid,
  locked_until     timestamptz,
  attempts         integer     NOT NULL DEFAULT 1 CHECK (attempts >= 1),
  response_status  smallint    CHECK (response_status BETWEEN 100 AND 599),
  response_headers jsonb       CHECK (jsonb_typeof(response_headers) = 'object'),
  response_body    jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  expires_at       timestamptz NOT NULL,
  CONSTRAINT ${IDEMPOTENCY_TABLE}_pkey PRIMARY KEY (scope, key),
  CONSTRAINT ${IDEMPOTENCY_TABLE}_expiry_after_creation CHECK (expires_at > created_at),
  CONSTRAINT ${IDEMPOTENCY_TABLE}_state_consistent CHECK (
    (state = 'in_flight' AND lock_token IS NOT NULL AND locked_until IS NOT NULL
      AND response_status IS NULL AND response_headers IS NULL AND completed_at IS NULL)
    OR
    (state = 'completed' AND lock_token IS NULL AND locked_until IS NULL
      AND response_status IS NOT NULL AND response_headers IS NOT NULL AND completed_at IS NOT NULL)
  )
);
CREATE INDEX IF NOT EXISTS ${IDEMPOTENCY_TABLE}_expires_at_idx ON ${t} (expires_at);
COMMENT ON TABLE ${t} IS
  'One row per Idempotency-Key a client sent: who owns the running request (lease) or the first response, replayed to retries. Rows expire and are purged.';
COMMENT ON COLUMN ${t}.scope IS
  'Whose key this is (client/tenant id): keys are unique per client, never global, so one client cannot collide with or replay another client''s key.';
COMMENT ON COLUMN ${t}.key IS
  'The Idempotency-Key header value as the client sent it. The primary key (scope, key) is the constraint that decides races between concurrent first requests.';
COMMENT ON COLUMN ${t}.fingerprint IS
  'SHA-256 (hex) of method, path and canonical JSON body of the first request: the same key with a different request is refused (422) instead of replaying an unrelated response.';
COMMENT ON COLUMN ${t}.state IS
  'in_flight while a request executes under the lease; completed once its response is stored for replay.';
COMMENT ON COLUMN ${t}.lock_token IS
  'Random token of the request currently holding the lease: only that request may complete or release the row (fencing against a request whose lease expired).';
COMMENT ON COLUMN ${t}.locked_until IS
  'End of the lease. A request that crashed never completes; once this time passes a retry with the same request may take the key over.';
COMMENT ON COLUMN ${t}.attempts IS
  'How many requests started executing under this key (1 + lease takeovers): a value above 1 means a request crashed or outlived its lease.';
COMMENT ON COLUMN ${t}.response_status IS 'HTTP status of the stored first response.';
COMMENT ON COLUMN ${t}.response_headers IS
  'Headers of the first response that are replayed (e.g. content-type, location); per-request headers such as rate-limit state are not stored.';
COMMENT ON COLUMN ${t}.response_body IS 'Body of the first response (JSON), replayed verbatim; NULL when it had none.';
COMMENT ON COLUMN ${t}.created_at IS 'When the key was first used.';
COMMENT ON COLUMN ${t}.completed_at IS 'When the first response was stored.';
COMMENT ON COLUMN ${t}.expires_at IS
  'After this time the key is forgotten: it may be reused for a new request and purgeExpired deletes the row (index idempotency_keys_expires_at_idx).';
`;
}

/**
 * Applies {@link idempotencyMigrationSql} to `pool` in one transaction, serialised across
 * processes by an advisory lock so instances starting together do not race on the DDL.
 * The schema must already exist.
 */
export async function applyIdempotencyMigration(
  pool: Pool,
  options: { schema?: string } = {},
): Promise<void> {
  const sql = idempotencyMigrationSql(options.schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('rc.resilience.idempotency_keys'))");
    await client.query(sql);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
