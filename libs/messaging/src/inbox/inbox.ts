import type { Pool, PoolClient } from 'pg';

/** Whether {@link inbox}.runOnce applied the work or found the event already applied. */
export type InboxOutcome = 'applied' | 'duplicate';

/**
 * Runs `work` at most once per (consumer group, event id), atomically with the dedup record:
 * one transaction inserts the inbox row and runs `work` on the same client, then commits. If
 * the row exists the transaction is abandoned and `work` never runs (`duplicate`). If `work`
 * throws, everything rolls back (the inbox row too) and the error propagates, so a retry or a
 * redelivery runs it again. Two deliveries racing each other serialise on the primary key:
 * the second waits for the first and then sees it as a duplicate (or runs, if the first rolled
 * back). `work` must do its writes through `client`, not through another pool connection.
 */
async function runOnce(
  pool: Pool,
  group: string,
  eventId: string,
  work: (client: PoolClient) => Promise<void>,
): Promise<InboxOutcome> {
  return inTransaction(pool, async (client) => {
    const inserted = await client.query(
      `INSERT INTO inbox (consumer_group, event_id) VALUES ($1, $2)
       ON CONFLICT (consumer_group, event_id) DO NOTHING`,
      [group, eventId],
    );
    if (inserted.rowCount === 0) return { commit: false, result: 'duplicate' as const };
    await work(client);
    return { commit: true, result: 'applied' as const };
  });
}

/**
 * The batch form of {@link runOnce}: ONE transaction records every event id of the batch in one
 * statement (`INSERT … SELECT unnest($2) ON CONFLICT DO NOTHING RETURNING event_id`, so the
 * database says which ids are new), runs `work` on the same client with the new ids only, then
 * commits. Ids applied before (or repeated within the batch) are left out of `fresh`; when
 * none is new, `work` does not run and nothing is written. If `work` throws, everything rolls
 * back, the inbox rows too, and the error propagates (the consumer then falls back to one
 * event at a time). Racing deliveries serialise on the primary key as in `runOnce`. Returns the
 * new ids, in the order given.
 */
async function runBatch(
  pool: Pool,
  group: string,
  eventIds: readonly string[],
  work: (client: PoolClient, fresh: ReadonlySet<string>) => Promise<void>,
): Promise<string[]> {
  const byId = new Map(eventIds.map((id) => [id.toLowerCase(), id]));
  const unique = [...byId.keys()];
  if (unique.length === 0) return [];
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ event_id: string }>(
      `INSERT INTO inbox (consumer_group, event_id)
       SELECT $1, id FROM unnest($2::uuid[]) AS id
       ON CONFLICT (consumer_group, event_id) DO NOTHING
       RETURNING event_id`,
      [group, unique],
    );
    if (rows.length === 0) return { commit: false, result: [] };
    const inserted = new Set(rows.map((r) => r.event_id));
    const fresh = new Set(unique.filter((id) => inserted.has(id)).map((id) => byId.get(id)!));
    await work(client, fresh);
    return { commit: true, result: [...fresh] };
  });
}

/**
 * One transaction on a pooled client: `work` says whether to COMMIT or ROLLBACK (nothing to
 * do), a throw rolls back and propagates. A client whose ROLLBACK fails has lost its
 * connection: it is destroyed, not handed back to the pool.
 */
async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<{ commit: boolean; result: T }>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const { commit, result } = await work(client);
    await client.query(commit ? 'COMMIT' : 'ROLLBACK');
    return result;
  } catch (e) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw e;
  } finally {
    client.release(broken);
  }
}

/**
 * Deletes inbox rows older than `olderThanMs` (keep them longer than the topics' retention, or a
 * redelivered event would be applied twice), at most `limit` of them when given, so a
 * housekeeping pass deletes in short statements until a batch comes back short. Returns how
 * many rows went.
 */
async function prune(pool: Pool, olderThanMs: number, limit?: number): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM inbox WHERE ctid IN (
       SELECT ctid FROM inbox WHERE processed_at < now() - make_interval(secs => $1) LIMIT $2)`,
    [olderThanMs / 1000, limit ?? null],
  );
  return rowCount ?? 0;
}

/**
 * The housekeeping task of the inbox (the shape of `@rc/platform`'s `PruneTask`): each call
 * deletes up to `limit` rows processed more than `retentionMs` ago.
 */
function pruneTask(pool: Pool, retentionMs: number) {
  return { table: 'inbox', prune: (limit: number) => prune(pool, retentionMs, limit) };
}

/**
 * The inbox insert of a batch as a CTE named `fresh(event_id)`, for a consumer that applies a
 * batch in ONE statement — one implicit transaction, without the BEGIN, COMMIT and separate
 * inbox round trips of {@link runBatch}: `fresh` holds the ids inserted now (the events not
 * applied before), and the statement's other parts join their per-event rows on it, so only new
 * events count. `$<groupParam>` is the consumer group and `$<idsParam>` the batch's ids
 * (`uuid[]`), each event ONCE: an id given twice is inserted once, but its rows would join twice.
 * The statement commits or fails as a whole; racing deliveries serialise on the primary key as
 * in `runOnce`. Use it as `WITH ${inbox.freshCte(1, 2)}, … SELECT count(*) FROM fresh`.
 */
function freshCte(groupParam: number, idsParam: number): string {
  return `fresh AS (
       INSERT INTO inbox (consumer_group, event_id)
       SELECT $${groupParam}, id FROM unnest($${idsParam}::uuid[]) AS id
       ON CONFLICT (consumer_group, event_id) DO NOTHING
       RETURNING event_id
     )`;
}

/**
 * The consumer inbox: `runOnce` for idempotent handling of one event, `runBatch` for a batch in
 * one transaction, `freshCte` for a batch applied in one statement; `prune` and `pruneTask` for
 * housekeeping.
 */
export const inbox = { runOnce, runBatch, freshCte, prune, pruneTask };
