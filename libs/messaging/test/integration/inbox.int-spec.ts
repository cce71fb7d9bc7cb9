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
