import { randomUUID } from 'node:crypto';
import { inbox } from '../../src';
import { createIsolatedDatabase, type IsolatedDatabase } from './support/isolated-database';

describe('inbox', () => {
  let db: IsolatedDatabase;

  beforeEach(async () => {
    db = await createIsolatedDatabase();
    await db.pool.query('CREATE TABLE totals (name text PRIMARY KEY, amount int NOT NULL)');
    await db.pool.query(`INSERT INTO totals VALUES ('revenue', 0)`);
  });

  afterEach(async () => {
    await db.drop();
  });

  const addRevenue =
    (amount: number) =>
    async (client: { query: (sql: string, values: unknown[]) => Promise<unknown> }) => {
      await client.query(`UPDATE totals SET amount = amount + $1 WHERE name = 'revenue'`, [amount]);
    };
  const revenue = async () =>
    (await db.pool.query<{ amount: number }>(`SELECT amount FROM totals WHERE name = 'revenue'`))
      .rows[0]!.amount;

  it('when the same event is delivered twice, then its work is applied once', async () => {
    // Arrange
    const eventId = randomUUID();

    // Act
    const first = await inbox.runOnce(db.pool, 'analytics', eventId, addRevenue(500));
    const second = await inbox.runOnce(db.pool, 'analytics', eventId, addRevenue(500));

    // Assert
    expect([first, second]).toEqual(['applied', 'duplicate']);
    expect(await revenue()).toBe(500);
  });

  it('when the work throws, then neither the work nor the inbox row is kept, and a retry applies it', async () => {
    const eventId = randomUUID();
    const failing = async (client: Parameters<ReturnType<typeof addRevenue>>[0]) => {
      await addRevenue(700)(client);
      throw new Error('downstream failed after the write');
    };

    await expect(inbox.runOnce(db.pool, 'analytics', eventId, failing)).rejects.toThrow(
      'downstream',
    );
    const retry = await inbox.runOnce(db.pool, 'analytics', eventId, addRevenue(700));

    expect(retry).toBe('applied');
    expect(await revenue()).toBe(700);
  });

  it('when two deliveries of one event race, then exactly one applies', async () => {
    const eventId = randomUUID();
    const slowAdd = async (client: Parameters<ReturnType<typeof addRevenue>>[0]) => {
      await addRevenue(100)(client);
      await new Promise((resolve) => setTimeout(resolve, 100));
    };

    const outcomes = await Promise.all([
      inbox.runOnce(db.pool, 'analytics', eventId, slowAdd),
      inbox.runOnce(db.pool, 'analytics', eventId, slowAdd),
    ]);

    expect(outcomes.sort()).toEqual(['applied', 'duplicate']);
    expect(await revenue()).toBe(100);
  });

  it('when two consumer groups receive one event, then each applies it once', async () => {
    const eventId = randomUUID();

    const outcomes = [
      await inbox.runOnce(db.pool, 'analytics', eventId, addRevenue(1)),
      await inbox.runOnce(db.pool, 'recommendations', eventId, addRevenue(10)),
    ];

    expect(outcomes).toEqual(['applied', 'applied']);
    expect(await revenue()).toBe(11);
  });

  /** A batch of (id, amount) applied in ONE statement through `freshCte`: returns the new count. */
  const applyInOneStatement = async (batch: [string, number][], failAfter = false) => {
    const { rows } = await db.pool.query<{ fresh: number }>(
      `WITH ${inbox.freshCte(1, 2)}, added AS (
         UPDATE totals SET amount = amount + (
           SELECT COALESCE(sum(e.amount), 0) FROM unnest($2::uuid[], $3::int[]) AS e(id, amount)
             JOIN fresh ON fresh.event_id = e.id)
         WHERE name = 'revenue'
       )
       SELECT count(*)::int / CASE WHEN $4 THEN 0 ELSE 1 END AS fresh FROM fresh`,
      ['analytics', batch.map(([id]) => id), batch.map(([, amount]) => amount), failAfter],
    );
    return rows[0]!.fresh;
  };

  it('when a batch is applied in one statement with freshCte, then only the events not applied before count', async () => {
    // Arrange: one event applied before (by runOnce), two new ones
    const [old, a, b] = [randomUUID(), randomUUID(), randomUUID()];
    await inbox.runOnce(db.pool, 'analytics', old, addRevenue(100));

    // Act
    const fresh = await applyInOneStatement([
      [old, 100],
      [a.toUpperCase(), 20],
      [b, 3],
    ]);
    const again = await applyInOneStatement([
      [a, 20],
      [b, 3],
    ]);

    // Assert: case does not matter (uuid), a redelivery adds nothing
    expect([fresh, again]).toEqual([2, 0]);
    expect(await revenue()).toBe(123);
  });

  it('when the one statement fails, then neither its sums nor its inbox rows are kept', async () => {
    const id = randomUUID();

    await expect(applyInOneStatement([[id, 50]], true)).rejects.toThrow(/division by zero/);
    const retry = await applyInOneStatement([[id, 50]]);

    expect(retry).toBe(1);
    expect(await revenue()).toBe(50);
  });

  it('when pruning, then only rows older than the window go', async () => {
    const old = randomUUID();
    await inbox.runOnce(db.pool, 'analytics', old, async () => undefined);
    await db.pool.query(
      `UPDATE inbox SET processed_at = now() - interval '2 days' WHERE event_id = $1`,
      [old],
    );
    await inbox.runOnce(db.pool, 'analytics', randomUUID(), async () => undefined);

    const pruned = await inbox.prune(db.pool, 24 * 3600_000);

    expect(pruned).toBe(1);
    expect(await inbox.runOnce(db.pool, 'analytics', old, async () => undefined)).toBe('applied');
  });
});
