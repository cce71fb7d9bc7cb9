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
  const parsed = parseEvent(event);
  if (!parsed.ok) throw parsed.error;
  const topic = options.topic ?? EVENT_REGISTRY[parsed.event.type].topic;
  const headers = Object.keys(event.trace).length > 0 ? event.trace : injectTraceContext();
  const payload = Object.keys(event.trace).length > 0 ? event : { ...event, trace: headers };
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO outbox (event_id, topic, key, type, payload, headers)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [event.id, topic, event.key, event.type, JSON.stringify(payload), JSON.stringify(headers)],
  );
  return BigInt(rows[0]!.id);
}

/**
 * Deletes rows published more than `olderThanMs` ago (kept meanwhile for debugging and manual
 * replay). Unpublished rows are never deleted. Returns how many rows went.
 */
async function prunePublished(pool: Pool, olderThanMs: number): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)`,
    [olderThanMs / 1000],
  );
  return rowCount ?? 0;
}

/** The transactional outbox: `add` inside the caller's transaction; `prunePublished` for housekeeping. */
export const outbox = { add, prunePublished };
