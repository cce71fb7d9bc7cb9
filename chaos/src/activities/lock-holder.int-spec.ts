import { createThrowawayDatabase, type ThrowawayDatabase } from '@rc/testing';
import { holdRowLocks, SERVER_SIDE_GRACE_S } from './lock-holder';

/** Whether another session can lock every row of `stock` now (FOR UPDATE NOWAIT). */
async function rowsFree(db: ThrowawayDatabase): Promise<boolean> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM stock FOR UPDATE NOWAIT');
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === '55P03') return false; // lock_not_available
    throw e;
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('holdRowLocks', () => {
  let db: ThrowawayDatabase;

  beforeAll(async () => {
    db = await createThrowawayDatabase('chaos_locks');
    await db.pool.query('CREATE TABLE stock (sku text PRIMARY KEY)');
    await db.pool.query("INSERT INTO stock VALUES ('a'), ('b'), ('c')");
  });

  afterAll(() => db.drop());

  it('when the locks are held, then no other session can take those rows until they are released', async () => {
    // Act
    const held = await holdRowLocks(db.url, 'stock', 30);
    const whileHeld = await rowsFree(db);
    await held.release();
    await held.release(); // a second release (the safety net after the rollback) is harmless

    // Assert
    expect(held.rows).toBe(3);
    expect(whileHeld).toBe(false);
    expect(await rowsFree(db)).toBe(true);
  });

  it('when the holder never releases them (a frozen harness), then the server ends its session after the hold plus the grace', async () => {
    // Arrange
    const held = await holdRowLocks(db.url, 'stock', 0);
    expect(await rowsFree(db)).toBe(false);

    // Act
    await new Promise((r) => setTimeout(r, (SERVER_SIDE_GRACE_S + 1) * 1000));

    // Assert
    expect(await rowsFree(db)).toBe(true);
    await held.release();
  });
});
