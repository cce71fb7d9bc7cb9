import type { Pool } from 'pg';
import { applySql } from '../shared/apply-sql';

/**
 * DDL of the transactional outbox, kept as a TypeScript string so it ships inside the build.
 * Idempotent: services may run it from their own migrations or call
 * {@link applyOutboxMigration} at start-up. Tables resolve through `search_path`.
 */
export const OUTBOX_MIGRATION_SQL = `
-- Events waiting to be published to Kafka. A service writes a row here in the SAME transaction
-- as the state change the event describes, so the event exists if and only if the change does.
-- The relay publishes rows in id order and stamps published_at; nothing else updates them.
CREATE TABLE IF NOT EXISTS outbox (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id     uuid NOT NULL UNIQUE,
  topic        text NOT NULL CHECK (topic <> ''),
  key          text NOT NULL CHECK (key <> ''),
  type         text NOT NULL CHECK (type <> ''),
  payload      jsonb NOT NULL,
  headers      jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(headers) = 'object'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error   text
);
COMMENT ON TABLE outbox IS 'Transactional outbox: events written with the state change, published to Kafka by the relay';
COMMENT ON COLUMN outbox.id IS 'Publication order: the relay sends unpublished rows by ascending id';
COMMENT ON COLUMN outbox.event_id IS 'Envelope id (UUID); unique so a retried write cannot enqueue one event twice';
COMMENT ON COLUMN outbox.topic IS 'Kafka topic to publish to';
COMMENT ON COLUMN outbox.key IS 'Kafka message key: the aggregate id, which fixes the partition and so the order';
COMMENT ON COLUMN outbox.type IS 'Event type (e.g. OrderPlaced), for operators and the event-type header';
COMMENT ON COLUMN outbox.payload IS 'The complete, validated event envelope, published as the message value';
COMMENT ON COLUMN outbox.headers IS 'Trace context (W3C traceparent/tracestate) of the writing request, sent as Kafka headers';
COMMENT ON COLUMN outbox.created_at IS 'When the row was written; the age of the oldest unpublished row is the relay lag';
COMMENT ON COLUMN outbox.published_at IS 'When Kafka acknowledged the row (acks=all); NULL while waiting';
COMMENT ON COLUMN outbox.attempts IS 'Failed publish attempts so far (a row that keeps failing shows up here)';
COMMENT ON COLUMN outbox.last_error IS 'Error code and message of the last failed attempt, for operators';

-- The relay's work queue: only unpublished rows, tiny however long the history grows.
CREATE INDEX IF NOT EXISTS outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;
-- Pruning published rows by age.
CREATE INDEX IF NOT EXISTS outbox_published_at_idx ON outbox (published_at) WHERE published_at IS NOT NULL;

-- One row per relay name: the fencing token of the current leader. A relay that wins the
-- advisory lock bumps epoch; every row it marks published is guarded by "epoch is still mine",
-- so a relay that lost its lock without noticing cannot keep acting as leader.
CREATE TABLE IF NOT EXISTS outbox_relay_lease (
  relay_name  text PRIMARY KEY CHECK (relay_name <> ''),
  epoch       bigint NOT NULL CHECK (epoch > 0),
  holder      text NOT NULL,
  acquired_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE outbox_relay_lease IS 'Leadership record of each outbox relay: the fencing epoch and who holds it';
COMMENT ON COLUMN outbox_relay_lease.epoch IS 'Incremented by every new leader; writes by older epochs are refused';
COMMENT ON COLUMN outbox_relay_lease.holder IS 'Instance id of the current leader (host/pid/random), for operators';
COMMENT ON COLUMN outbox_relay_lease.acquired_at IS 'When the current leader took over';

-- Wakes the relay when rows commit: one notification per inserting statement, delivered by
-- Postgres at COMMIT (never for a rolled-back insert) and folded into one per transaction, so
-- the relay needs no fast polling and a new row waits no poll interval. The payload names the
-- schema (several outboxes may share a database in tests). The relay still polls slowly, in
-- case a notification is lost (a LISTEN connection that dropped, a pooler in between).
CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('rc_outbox', TG_TABLE_SCHEMA);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION outbox_notify() IS 'Notifies channel rc_outbox that outbox rows were inserted (sent on commit)';
CREATE OR REPLACE TRIGGER outbox_notify AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
`;

/** Channel the outbox trigger notifies on commit and the leading relay listens on. */
export const OUTBOX_CHANNEL = 'rc_outbox';

/**
 * Creates the outbox tables and indexes if they are missing, and (re)creates the notify trigger
 * (safe to call from every replica).
 */
export async function applyOutboxMigration(pool: Pool): Promise<void> {
  await applySql(pool, 'rc-messaging:outbox-migration', OUTBOX_MIGRATION_SQL);
}
