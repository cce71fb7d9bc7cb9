import { migrateCheckoutDatabase } from '../../src/infrastructure/checkout.migrations';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../support/throwaway-database';

let db: ThrowawayDatabase;

beforeAll(async () => {
  db = await createThrowawayDatabase('checkout_migrations');
});

afterAll(async () => {
  await db?.drop();
});

describe('checkout migrations (real Postgres)', () => {
  it('when the service starts on a migrated database, then nothing is applied again', async () => {
    const applied = await migrateCheckoutDatabase(db.pool);

    expect(applied).toEqual([]);
    const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM schema_migrations');
    expect(rows.map((r) => r.id)).toEqual(['001_orders', '002_status_comments']);
  });

  it('when two replicas start at once, then both succeed and the schema is applied once', async () => {
    const other = db.newPool(2);

    await Promise.all([migrateCheckoutDatabase(db.pool), migrateCheckoutDatabase(other)]);

    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM schema_migrations',
    );
    expect(rows[0]?.n).toBe(2);
  });

  it('when the schema is in place, then the orders, outbox and idempotency tables exist', async () => {
    const { rows } = await db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );

    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['idempotency_keys', 'order_items', 'orders', 'outbox']),
    );
  });

  it('when a CHARGED order lacks its payment id, then the database refuses it', async () => {
    const insert = db.pool.query(
      `INSERT INTO orders (id, customer_id, status, total_minor, currency)
       VALUES (gen_random_uuid(), 'c', 'CHARGED', 1, 'EUR')`,
    );

    await expect(insert).rejects.toThrow(/orders_payment_known/);
  });
});
