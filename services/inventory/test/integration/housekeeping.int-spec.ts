import { inbox, outbox } from '@rc/messaging';
import { Housekeeping } from '@rc/platform';
import { PostgresIdempotencyStore } from '@rc/resilience';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@rc/testing';
import { Registry } from 'prom-client';
import { migrateInventoryDatabase } from '../../src/infrastructure/inventory.migrations';

const DAY_MS = 24 * 3_600_000;
const RETENTION_MS = 7 * DAY_MS;

/**
 * Housekeeping of inventory's bookkeeping tables (outbox, inbox, idempotency keys) against the
 * real Postgres, with the tasks the service wires: a backlog of several batches drains in ONE
 * pass, and rows still needed (unpublished events, young inbox rows, live keys) stay.
 */
describe('housekeeping against Postgres', () => {
  let db: ThrowawayDatabase;

  beforeAll(async () => {
    db = await createThrowawayDatabase('inv_hk');
    await migrateInventoryDatabase(db.pool);
  });

  afterAll(async () => {
    await db?.drop();
  });

  afterEach(async () => {
    await db.pool.query('TRUNCATE outbox, inbox, idempotency_keys');
  });

  const count = async (sql: string) =>
    Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`)).rows[0]!.n);

  /** `n` outbox rows created `ageDays` ago, published then too unless `published` is false. */
  async function addOutboxRows(n: number, ageDays: number, published = true): Promise<void> {
    await db.pool.query(
      `INSERT INTO outbox (event_id, topic, key, type, payload, created_at, published_at)
       SELECT gen_random_uuid(), 'inventory', 'sku-' || i, 'StockReserved', '{}'::jsonb, t,
              CASE WHEN $3 THEN t END
       FROM generate_series(1, $1) AS i, LATERAL (SELECT now() - make_interval(days => $2)) AS c(t)`,
      [n, ageDays, published],
    );
  }

  async function addInboxRows(n: number, ageDays: number): Promise<void> {
    await db.pool.query(
      `INSERT INTO inbox (consumer_group, event_id, processed_at)
       SELECT 'inventory', gen_random_uuid(), now() - make_interval(days => $2)
       FROM generate_series(1, $1)`,
      [n, ageDays],
    );
  }

  /** `n` completed idempotency keys, expired unless `live`. */
  async function addKeys(n: number, live = false): Promise<void> {
    await db.pool.query(
      `INSERT INTO idempotency_keys
         (scope, key, fingerprint, state, response_status, response_headers, completed_at,
          created_at, expires_at)
       SELECT 'client', gen_random_uuid()::text, repeat('a', 64), 'completed', 201, '{}'::jsonb,
              now() - interval '2 days', now() - interval '2 days',
              CASE WHEN $2 THEN now() + interval '1 day' ELSE now() - interval '1 day' END
       FROM generate_series(1, $1)`,
      [n, live],
    );
  }

  function housekeeping(registry = new Registry()): Housekeeping {
    const store = new PostgresIdempotencyStore({
      pool: db.pool,
      lockTimeoutMs: 1_000,
      ttlMs: DAY_MS,
      registry: new Registry(),
    });
    return new Housekeeping({
      pool: db.pool,
      batchSize: 1_000,
      registry,
      tasks: [
        outbox.pruneTask(db.pool, RETENTION_MS),
        inbox.pruneTask(db.pool, RETENTION_MS),
        store.pruneTask(),
      ],
    });
  }

  it('when each table holds a backlog larger than one batch, then one pass drains all of it', async () => {
    // Arrange: 2.5 batches of old outbox and inbox rows, 1.5 of expired keys
    await addOutboxRows(2_500, 8);
    await addInboxRows(2_500, 8);
    await addKeys(1_500);

    // Act
    const done = await housekeeping().runOnce();

    // Assert
    expect(done).toEqual({ outbox: 2_500, inbox: 2_500, idempotency_keys: 1_500 });
    expect(await count('outbox')).toBe(0);
    expect(await count('inbox')).toBe(0);
    expect(await count('idempotency_keys')).toBe(0);
  });

  it('when rows are unpublished, young or live, then a pass never deletes them', async () => {
    // Arrange: old unpublished events (a relay stuck for 30 days), rows inside the retention
    await addOutboxRows(5, 30, false);
    await addOutboxRows(6, 1);
    await addInboxRows(7, 6);
    await addKeys(8, true);
    await addOutboxRows(1_200, 8); // and prunable rows next to them
    await addInboxRows(1_200, 8);

    // Act
    await housekeeping().runOnce();

    // Assert
    expect(await count('outbox WHERE published_at IS NULL')).toBe(5);
    expect(await count('outbox WHERE published_at IS NOT NULL')).toBe(6);
    expect(await count('inbox')).toBe(7);
    expect(await count('idempotency_keys')).toBe(8);
  });

  it('when a pass ends, then db_table_rows reports every table and the rows deleted are counted', async () => {
    // Arrange
    await addInboxRows(1_001, 8);
    const registry = new Registry();

    // Act
    await housekeeping(registry).runOnce();
    const metrics = await registry.metrics();

    // Assert
    for (const table of ['outbox', 'inbox', 'idempotency_keys'])
      expect(metrics).toMatch(new RegExp(`db_table_rows\\{table="${table}"\\} \\d+`));
    expect(metrics).toContain('housekeeping_rows_deleted_total{table="inbox"} 1001');
  });
});
