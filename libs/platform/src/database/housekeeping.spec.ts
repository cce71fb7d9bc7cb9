import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { Housekeeping, type PruneTask } from './housekeeping';

/** A table of `rows` prunable rows; each prune deletes up to `limit` of them. */
function fakeTable(table: string, rows: number): PruneTask & { calls: number[] } {
  const calls: number[] = [];
  let left = rows;
  return {
    table,
    calls,
    prune: async (limit) => {
      const n = Math.min(limit, left);
      left -= n;
      calls.push(n);
      return n;
    },
  };
}

const sizes = (rows: Record<string, number>) =>
  ({
    query: jest.fn(async () => ({
      rows: Object.entries(rows).map(([name, n]) => ({ name, rows: String(n) })),
    })),
  }) as unknown as Pool & { query: jest.Mock };

describe('Housekeeping', () => {
  it('when a table holds a backlog of several batches, then one pass drains it batch by batch', async () => {
    // Arrange
    const outbox = fakeTable('outbox', 25);
    const housekeeping = new Housekeeping({ pool: sizes({}), tasks: [outbox], batchSize: 10 });

    // Act
    const done = await housekeeping.runOnce();

    // Assert: 10 + 10 + 5, the short batch ends the drain
    expect(done).toEqual({ outbox: 25 });
    expect(outbox.calls).toEqual([10, 10, 5]);
  });

  it('when one table fails, then the others are still pruned and the failure is logged and counted', async () => {
    // Arrange
    const registry = new Registry();
    const log = jest.fn();
    const broken: PruneTask = {
      table: 'inbox',
      prune: async () => {
        throw new Error('relation "inbox" does not exist');
      },
    };
    const keys = fakeTable('idempotency_keys', 3);
    const housekeeping = new Housekeeping({
      pool: sizes({}),
      tasks: [broken, keys],
      batchSize: 10,
      registry,
      log,
    });

    // Act
    const done = await housekeeping.runOnce();

    // Assert
    expect(done).toEqual({ idempotency_keys: 3 });
    expect(log).toHaveBeenCalledWith('warn', 'housekeeping prune failed', {
      table: 'inbox',
      error: 'Error: relation "inbox" does not exist',
    });
    const metrics = await registry.metrics();
    expect(metrics).toContain('housekeeping_failures_total{table="inbox"} 1');
    expect(metrics).toContain('housekeeping_rows_deleted_total{table="idempotency_keys"} 3');
  });

  it('when a pass ends, then db_table_rows holds each table size read once from the statistics', async () => {
    // Arrange
    const registry = new Registry();
    const pool = sizes({ outbox: 1200, inbox: 7 });
    const housekeeping = new Housekeeping({
      pool,
      tasks: [fakeTable('outbox', 0), fakeTable('inbox', 0)],
      registry,
    });

    // Act
    await housekeeping.runOnce();
    const metrics = await registry.metrics();
    await registry.metrics(); // a scrape reads the gauge, not the database

    // Assert
    expect(pool.query).toHaveBeenCalledTimes(1);
    expect(pool.query.mock.calls[0]![1]).toEqual([['outbox', 'inbox']]);
    expect(metrics).toContain('db_table_rows{table="outbox"} 1200');
    expect(metrics).toContain('db_table_rows{table="inbox"} 7');
  });

  it('when the loop starts, then db_table_rows is read at once, before the first pass', async () => {
    const registry = new Registry();
    const pool = sizes({ outbox: 42 });
    const outbox = fakeTable('outbox', 5);
    const housekeeping = new Housekeeping({ pool, tasks: [outbox], registry });

    const stop = housekeeping.start(3_600_000);
    await new Promise((r) => setImmediate(r));
    await stop();

    expect(await registry.metrics()).toContain('db_table_rows{table="outbox"} 42');
    expect(outbox.calls).toEqual([]); // nothing pruned: the first pass is an interval away
  });

  it('when the batch size is not a positive integer, then it refuses to start', () => {
    expect(() => new Housekeeping({ pool: sizes({}), tasks: [], batchSize: 0 })).toThrow(
      /batchSize/,
    );
  });
});
