import type { Pool } from 'pg';
import { applySql } from '../shared/apply-sql';

/**
 * DDL of the consumer inbox (deduplication table), kept as a TypeScript string so it ships
 * inside the build. Idempotent; tables resolve through `search_path`.
 */
export const INBOX_MIGRATION_SQL = `
-- Events a consumer group has already applied. The row is inserted in the SAME transaction as
-- the consumer's state change, so "applied" and "recorded as applied" cannot diverge: a
-- redelivered event (Kafka is at-least-once) finds its row and is skipped.
CREATE TABLE IF NOT EXISTS inbox (
  consumer_group text NOT NULL CHECK (consumer_group <> ''),
  event_id       uuid NOT NULL,
  processed_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, event_id)
);
COMMENT ON TABLE inbox IS 'Consumer deduplication: one row per (consumer group, event) applied';
COMMENT ON COLUMN inbox.consumer_group IS 'Kafka consumer group that applied the event (groups deduplicate independently)';
COMMENT ON COLUMN inbox.event_id IS 'Envelope id of the applied event';
COMMENT ON COLUMN inbox.processed_at IS 'When it was applied; rows older than the topic retention can be pruned';

CREATE INDEX IF NOT EXISTS inbox_processed_at_idx ON inbox (processed_at);
`;

/** Creates the inbox table if it is missing (safe to call from every replica). */
export async function applyInboxMigration(pool: Pool): Promise<void> {
  await applySql(pool, 'rc-messaging:inbox-migration', INBOX_MIGRATION_SQL);
}
