import { EVENT_REGISTRY, parseEvent, type EventEnvelope } from '@rc/contracts';
import type { ClientBase, Pool } from 'pg';
import { injectTraceContext } from '../observability/trace-context';

/** Options of {@link outbox}.add. */
export interface OutboxAddOptions {
  /**
   * Topic to publish to. Defaults to the event type's registered topic; override it only for
   * environment prefixes or isolated test topics.
   */
  topic?: string;
}

/** Columns of an outbox row, in the order {@link outbox}.row returns their values. */
export const OUTBOX_COLUMNS = '(event_id, topic, key, type, payload, headers)';

/** The six values of one outbox row, in {@link OUTBOX_COLUMNS} order. */
export type OutboxRowValues = [
  eventId: string,
  topic: string,
  key: string,
  type: string,
  payload: string,
  headers: string,
];

/**
 * Validates `event` and returns its outbox row's values, for a caller that inserts the row as
 * part of a larger statement (e.g. `WITH moved AS (UPDATE … RETURNING …) INSERT INTO outbox
 * ${OUTBOX_COLUMNS} SELECT $2, … FROM moved`: the state change and its event in one round trip
 * and one implicit transaction). The same rules as {@link outbox}.add apply: only an event a
 * consumer accepts, and the active trace context stored with it.
 */
function row(event: EventEnvelope, options: OutboxAddOptions = {}): OutboxRowValues {
  const parsed = parseEvent(event);
  if (!parsed.ok) throw parsed.error;
  const topic = options.topic ?? EVENT_REGISTRY[parsed.event.type].topic;
  const headers = Object.keys(event.trace).length > 0 ? event.trace : injectTraceContext();
  const payload = Object.keys(event.trace).length > 0 ? event : { ...event, trace: headers };
  return [event.id, topic, event.key, event.type, JSON.stringify(payload), JSON.stringify(headers)];
}

/**
 * Writes `event` to the outbox through `client`, which must be inside the caller's open
 * transaction: the row commits or rolls back with the state change it describes. The event is
 * validated again here (a hand-built envelope cannot slip past the schema), so only events a
 * consumer will accept ever reach Kafka; a bad one throws `EventValidationError`. The active
 * trace context is stored with the row (unless the event already carries one), so the consumer's
 * span continues the request that caused the event. Returns the row's publication position.
 */
async function add(
  client: ClientBase,
  event: EventEnvelope,
  options: OutboxAddOptions = {},
): Promise<bigint> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO outbox ${OUTBOX_COLUMNS} VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    row(event, options),
  );
  return BigInt(rows[0]!.id);
}

/**
 * Deletes rows published more than `olderThanMs` ago (kept meanwhile for debugging and manual
 * replay), at most `limit` of them (oldest first) when given, so a housekeeping pass deletes
 * in short statements until a batch comes back short. Unpublished rows are never deleted.
 * Returns how many rows went.
 */
async function prunePublished(pool: Pool, olderThanMs: number, limit?: number): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM outbox WHERE id IN (
       SELECT id FROM outbox
       WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1)
       ORDER BY published_at LIMIT $2)`,
    [olderThanMs / 1000, limit ?? null],
  );
  return rowCount ?? 0;
}

/**
 * The housekeeping task of the outbox (the shape of `@rc/platform`'s `PruneTask`): each call
 * deletes up to `limit` rows published more than `retentionMs` ago.
 */
function pruneTask(pool: Pool, retentionMs: number) {
  return { table: 'outbox', prune: (limit: number) => prunePublished(pool, retentionMs, limit) };
}

/**
 * The transactional outbox: `add` inside the caller's transaction, `row` for a caller that folds
 * the insert into its own statement; `prunePublished` and `pruneTask` for housekeeping.
 */
export const outbox = { add, row, prunePublished, pruneTask };
