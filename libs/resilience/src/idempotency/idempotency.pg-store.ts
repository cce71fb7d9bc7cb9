import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { type Registry, register as defaultRegistry } from 'prom-client';
import { assertSchemaName, IDEMPOTENCY_TABLE } from './idempotency.migration';
import { outcomeCounter, retention } from './idempotency.retention';
import type { IdempotencyRetentionOptions, IdempotencyStore } from './idempotency.contract';
import type {
  ClaimPart,
  StatementCompletionOptions,
  StatementPart,
} from './idempotency.in-statement';
import type { BeginResult, IdempotencyLease, StoredResponse } from './idempotency.types';

/** Configuration of a {@link PostgresIdempotencyStore}. */
export interface PostgresIdempotencyStoreOptions extends IdempotencyRetentionOptions {
  /** Pool of the service's own database, where the migration was applied. */
  pool: Pool;
  /** Schema holding the table. Default `public`. */
  schema?: string;
  registry?: Registry;
}

type Outcome =
  | 'started'
  | 'taken_over'
  | 'replayed'
  | 'in_flight'
  | 'mismatch'
  | 'completed'
  | 'released'
  | 'lock_lost'
  /** A response a handler's own statement stored was not its answer, and was replaced. */
  | 'replaced';

/** A key a request's own statement completed ({@link PostgresIdempotencyStore.statementPart}). */
export interface CompletedInStatement {
  /** The response as stored. */
  readonly response: StoredResponse;
  /** Stores `answer` instead (false when the key is no longer this completion's). */
  replace(answer: StoredResponse): Promise<boolean>;
  /** Deletes the key, so a retry runs again (false when it is no longer this completion's). */
  forget(): Promise<boolean>;
}

interface ExistingRow {
  fingerprint: string;
  state: 'in_flight' | 'completed';
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: unknown;
  lock_remaining_ms: number;
  expired: boolean;
}

/**
 * Idempotency keys in Postgres. The primary key (scope, key) decides every race: `begin` is an
 * INSERT … ON CONFLICT that either creates the row (the caller owns the key), takes over an
 * expired lease or an expired key, or does nothing — then the existing row says replay,
 * in-flight or mismatch. Nothing is check-then-insert. Time is the database's `now()`, shared
 * by every instance, so leases and expiry need no synchronised clocks.
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  private readonly table: string;
  private readonly lockTimeoutMs: number;
  private readonly ttlMs: number;
  private readonly inFlightRetryAfterMs: number;
  private readonly outcomes;

  constructor(private readonly options: PostgresIdempotencyStoreOptions) {
    const schema = options.schema ?? 'public';
    assertSchemaName(schema);
    this.table = `${schema}.${IDEMPOTENCY_TABLE}`;
    const kept = retention(options);
    this.lockTimeoutMs = kept.lockTimeoutMs;
    this.ttlMs = kept.ttlMs;
    this.inFlightRetryAfterMs = kept.inFlightRetryAfterMs;
    this.outcomes = outcomeCounter(options.registry ?? defaultRegistry);
  }

  /** The lease length in ms (for callers that size deadlines against it). */
  get lockTimeout(): number {
    return this.lockTimeoutMs;
  }

  /** Claims `key` in `scope` for a request with `fingerprint`, or says why it cannot. */
  async begin(scope: string, key: string, fingerprint: string): Promise<BeginResult> {
    // A row can vanish or its lease expire between the two statements; look again a few times.
    for (let attempt = 0; attempt < 3; attempt++) {
      const lockToken = randomUUID();
      const claimed = await this.options.pool.query<{ attempts: number; locked_until: Date }>(
        `INSERT INTO ${this.table} AS k
           (scope, key, fingerprint, state, lock_token, locked_until, expires_at)
         VALUES ($1, $2, $3, 'in_flight', $4,
                 now() + $5 * interval '1 millisecond', now() + $6 * interval '1 millisecond')
         ON CONFLICT (scope, key) DO UPDATE SET
           fingerprint = EXCLUDED.fingerprint, state = 'in_flight',
           lock_token = EXCLUDED.lock_token, locked_until = EXCLUDED.locked_until,
           attempts = CASE WHEN k.expires_at <= now() THEN 1 ELSE k.attempts + 1 END,
           created_at = CASE WHEN k.expires_at <= now() THEN now() ELSE k.created_at END,
           expires_at = CASE WHEN k.expires_at <= now() THEN EXCLUDED.expires_at ELSE k.expires_at END,
           response_status = NULL, response_headers = NULL, response_body = NULL, completed_at = NULL
         WHERE k.expires_at <= now()
            OR (k.state = 'in_flight' AND k.locked_until <= now() AND k.fingerprint = EXCLUDED.fingerprint)
         RETURNING attempts, locked_until`,
        [scope, key, fingerprint, lockToken, this.lockTimeoutMs, this.ttlMs],
      );
      const row = claimed.rows[0];
      if (row) {
        const takenOver = row.attempts > 1;
        this.count(takenOver ? 'taken_over' : 'started');
        return {
          outcome: 'started',
          lease: { scope, key, lockToken },
          lockedUntil: row.locked_until,
          takenOver,
        };
      }
      const existing = await this.find(scope, key);
      if (!existing || existing.expired) continue;
      if (existing.fingerprint !== fingerprint)
        return this.counted('mismatch', { outcome: 'mismatch' });
      if (existing.state === 'completed') {
        return this.counted('replayed', {
          outcome: 'replay',
          response: {
            status: existing.response_status ?? 500,
            headers: existing.response_headers ?? {},
            body: existing.response_body ?? undefined,
          },
        });
      }
      if (existing.lock_remaining_ms > 0) {
        const retryAfterMs = Math.min(existing.lock_remaining_ms, this.inFlightRetryAfterMs);
        return this.counted('in_flight', { outcome: 'in_flight', retryAfterMs });
      }
    }
    return this.counted('in_flight', {
      outcome: 'in_flight',
      retryAfterMs: this.inFlightRetryAfterMs,
    });
  }

  /**
   * Stores the response of a started request for replay. Returns false (and counts
   * `lock_lost`) when the lease had expired and another request took the key over.
   */
  async complete(lease: IdempotencyLease, response: StoredResponse): Promise<boolean> {
    const result = await this.options.pool.query(
      `UPDATE ${this.table} SET state = 'completed', response_status = $4,
         response_headers = $5::jsonb, response_body = $6::jsonb,
         lock_token = NULL, locked_until = NULL, completed_at = now()
       WHERE scope = $1 AND key = $2 AND lock_token = $3 AND state = 'in_flight'`,
      [lease.scope, lease.key, lease.lockToken, ...responseParams(response)],
    );
    const stored = result.rowCount === 1;
    this.count(stored ? 'completed' : 'lock_lost');
    return stored;
  }

  /**
   * Gives the key up after a failure that is not final (the client may retry and execute it
   * again). Deletes the row only while the caller still holds the lease.
   */
  async release(lease: IdempotencyLease): Promise<boolean> {
    const result = await this.options.pool.query(
      `DELETE FROM ${this.table} WHERE scope = $1 AND key = $2 AND lock_token = $3 AND state = 'in_flight'`,
      [lease.scope, lease.key, lease.lockToken],
    );
    const released = result.rowCount === 1;
    this.count(released ? 'released' : 'lock_lost');
    return released;
  }

  /**
   * A part of another statement on this store's database that completes `lease` with
   * `response` in that statement's transaction (see {@link StatementPart}): the request then
   * needs no {@link complete} round trip. `settled` gets the key as that statement completed it
   * — the response as stored (the body with its SQL-computed fields), and how to replace or
   * forget it (fenced by the completion's own `completed_at`, as a lease by its token) — or
   * undefined when the statement did not complete the key (its condition was false, or the
   * lease was lost).
   */
  statementPart(
    lease: IdempotencyLease,
    response: StoredResponse,
    options: StatementCompletionOptions | undefined,
    settled: (completed: CompletedInStatement | undefined) => void,
  ): StatementPart {
    const fromSql = Object.entries(options?.bodyFromSql ?? {});
    const values = [
      lease.scope,
      lease.key,
      lease.lockToken,
      ...responseParams(response),
      ...fromSql.map(([field]) => field),
    ];
    const table = this.table;
    return {
      values,
      cte(name, first, when) {
        const $ = (i: number) => `$${first + i}`;
        return `${name} AS (
          UPDATE ${table} SET state = 'completed', response_status = ${$(3)}::int,
            response_headers = ${$(4)}::jsonb, response_body = ${bodySql($, 5, fromSql)},
            lock_token = NULL, locked_until = NULL, completed_at = now()
          WHERE scope = ${$(0)} AND key = ${$(1)} AND lock_token = ${$(2)} AND state = 'in_flight'
            AND (${when})
          RETURNING response_body, completed_at)`;
      },
      result: (name) =>
        `(SELECT jsonb_build_object('body', response_body, 'at', completed_at) FROM ${name})`,
      settle: (result) => settled(this.completedBy(lease, response, result)),
    };
  }

  /**
   * A part of a request's first statement that claims `lease`'s key, in flight under the lease,
   * for a request with `fingerprint` (see {@link ClaimPart}). A key that exists in any state
   * makes its INSERT fail with a unique violation ({@link isIdempotencyKeyConflict}), which undoes the
   * whole statement; the caller then claims with {@link begin}. `claimed` is called once the
   * statement succeeded.
   */
  claimPart(lease: IdempotencyLease, fingerprint: string, claimed: () => void): ClaimPart {
    return {
      values: this.claimValues(lease, fingerprint),
      cte: (name, first) =>
        this.claimSql(name, (i) => `$${first + i}`, 'false', [
          'NULL::int',
          'NULL::jsonb',
          'NULL::jsonb',
          'NULL::timestamptz',
        ]),
      settle: () => {
        this.count('started');
        claimed();
      },
    };
  }

  /**
   * {@link claimPart} and {@link statementPart} in one: the statement INSERTs the key, completed
   * with `response` when its condition holds, in flight under the lease otherwise. `settled`
   * gets the key as completed, or undefined when it was claimed in flight.
   */
  claimingStatementPart(
    lease: IdempotencyLease,
    fingerprint: string,
    response: StoredResponse,
    options: StatementCompletionOptions | undefined,
    settled: (completed: CompletedInStatement | undefined) => void,
  ): StatementPart {
    const fromSql = Object.entries(options?.bodyFromSql ?? {});
    return {
      values: [
        ...this.claimValues(lease, fingerprint),
        ...responseParams(response),
        ...fromSql.map(([field]) => field),
      ],
      cte: (name, first, when) => {
        const $ = (i: number) => `$${first + i}`;
        return this.claimSql(name, $, when, [
          `${$(6)}::int`,
          `${$(7)}::jsonb`,
          bodySql($, 8, fromSql),
          'now()',
        ]);
      },
      result: (name) =>
        `(SELECT jsonb_build_object('state', state, 'body', response_body, 'at', completed_at) FROM ${name})`,
      settle: (result) => {
        this.count('started');
        const row = result as { state?: unknown } | null | undefined;
        settled(row?.state === 'completed' ? this.completedBy(lease, response, row) : undefined);
      },
    };
  }

  private claimValues(lease: IdempotencyLease, fingerprint: string): unknown[] {
    return [lease.scope, lease.key, lease.lockToken, fingerprint, this.lockTimeoutMs, this.ttlMs];
  }

  /**
   * The claim's INSERT (parameters as {@link claimValues}): one row, in flight under the lease
   * unless `condition` holds — then completed, with `completed` as its response_status,
   * response_headers, response_body and completed_at. No ON CONFLICT: a key that exists fails
   * the statement.
   */
  private claimSql(
    name: string,
    $: (i: number) => string,
    condition: string,
    completed: readonly string[],
  ): string {
    const when = (value: string) => `CASE WHEN claim.done THEN ${value} END`;
    return `${name} AS (
          INSERT INTO ${this.table} (scope, key, fingerprint, state, lock_token, locked_until,
            expires_at, response_status, response_headers, response_body, completed_at)
          SELECT ${$(0)}, ${$(1)}, ${$(3)},
            CASE WHEN claim.done THEN 'completed' ELSE 'in_flight' END,
            CASE WHEN claim.done THEN NULL ELSE ${$(2)}::uuid END,
            CASE WHEN claim.done THEN NULL ELSE now() + ${$(4)} * interval '1 millisecond' END,
            now() + ${$(5)} * interval '1 millisecond',
            ${completed.map(when).join(', ')}
          FROM (SELECT (${condition}) AS done) AS claim
          RETURNING state, response_body, completed_at)`;
  }

  /**
   * The key as a statement part completed it, from what the statement selected (`body`, `at`:
   * its `completed_at`), counted — or undefined when the statement did not complete it.
   */
  private completedBy(
    lease: IdempotencyLease,
    response: StoredResponse,
    result: unknown,
  ): CompletedInStatement | undefined {
    const row = result as { body?: unknown; at?: unknown } | null | undefined;
    if (typeof row !== 'object' || row === null || typeof row.at !== 'string') return undefined;
    this.count('completed');
    const at = row.at;
    return {
      response: { ...response, body: row.body === null ? undefined : row.body },
      replace: (answer) => this.replaceCompleted(lease, at, answer),
      forget: () => this.forgetCompleted(lease, at),
    };
  }

  /** Replaces the response a request's own statement stored (see {@link statementPart}). */
  private async replaceCompleted(
    lease: IdempotencyLease,
    completedAt: string,
    response: StoredResponse,
  ): Promise<boolean> {
    const result = await this.options.pool.query(
      `UPDATE ${this.table} SET response_status = $4, response_headers = $5::jsonb,
         response_body = $6::jsonb
       WHERE scope = $1 AND key = $2 AND state = 'completed' AND completed_at = $3::timestamptz`,
      [lease.scope, lease.key, completedAt, ...responseParams(response)],
    );
    const replaced = result.rowCount === 1;
    this.count(replaced ? 'replaced' : 'lock_lost');
    return replaced;
  }

  /** Deletes a key a request's own statement completed, the request having failed after it. */
  private async forgetCompleted(lease: IdempotencyLease, completedAt: string): Promise<boolean> {
    const result = await this.options.pool.query(
      `DELETE FROM ${this.table}
       WHERE scope = $1 AND key = $2 AND state = 'completed' AND completed_at = $3::timestamptz`,
      [lease.scope, lease.key, completedAt],
    );
    const released = result.rowCount === 1;
    this.count(released ? 'released' : 'lock_lost');
    return released;
  }

  /**
   * Deletes up to `limit` expired keys, oldest first, skipping rows other purgers hold; returns
   * how many were deleted. Run it periodically (e.g. every minute) from one or all instances.
   */
  async purgeExpired(limit = 1000): Promise<number> {
    const result = await this.options.pool.query(
      `DELETE FROM ${this.table} WHERE (scope, key) IN (
         SELECT scope, key FROM ${this.table} WHERE expires_at <= now()
         ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      [limit],
    );
    return result.rowCount ?? 0;
  }

  /**
   * The housekeeping task of this store (the shape of `@rc/platform`'s `PruneTask`): each call
   * is one {@link purgeExpired} of up to `limit` keys; the caller repeats it until drained.
   */
  pruneTask(): { table: string; prune: (limit: number) => Promise<number> } {
    return { table: IDEMPOTENCY_TABLE, prune: (limit) => this.purgeExpired(limit) };
  }

  private async find(scope: string, key: string): Promise<ExistingRow | undefined> {
    const result = await this.options.pool.query<ExistingRow>(
      `SELECT fingerprint, state, response_status, response_headers, response_body,
              COALESCE(GREATEST(0, CEIL(EXTRACT(EPOCH FROM (locked_until - now())) * 1000)), 0)::int
                AS lock_remaining_ms,
              expires_at <= now() AS expired
         FROM ${this.table} WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    return result.rows[0];
  }

  private count(outcome: Outcome): void {
    this.outcomes.inc({ outcome });
  }

  private counted(outcome: Outcome, result: BeginResult): BeginResult {
    this.count(outcome);
    return result;
  }
}

/**
 * Whether `error` (or its cause) is the unique violation of a claim part's INSERT
 * ({@link PostgresIdempotencyStore.claimPart}): the request's key existed, and the statement that
 * carried the part was undone. Not an outcome of the request: the interceptor answers it from
 * the key (replay, 409, 422) or runs the handler again.
 */
export function isIdempotencyKeyConflict(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, table, cause } = e as { code?: unknown; table?: unknown; cause?: unknown };
    if (code === '23505' && table === IDEMPOTENCY_TABLE) return true;
    e = cause;
  }
  return false;
}

/**
 * The SQL of a stored body: parameter `$(at)` (the handler's body as JSON), with the fields only
 * the statement knows (`fromSql`, their names from parameter `$(at + 1)` on) set over it.
 */
function bodySql(
  $: (i: number) => string,
  at: number,
  fromSql: readonly (readonly [string, string])[],
): string {
  return fromSql.length === 0
    ? `${$(at)}::jsonb`
    : `COALESCE(${$(at)}::jsonb, '{}'::jsonb) || jsonb_build_object(${fromSql
        .map(([, expression], i) => `${$(at + 1 + i)}::text, to_jsonb(${expression})`)
        .join(', ')})`;
}

/** A response as the table's `response_status`, `response_headers` and `response_body` parameters. */
function responseParams(response: StoredResponse): [number, string, string | null] {
  return [
    response.status,
    JSON.stringify(response.headers),
    response.body === undefined ? null : JSON.stringify(response.body),
  ];
}
