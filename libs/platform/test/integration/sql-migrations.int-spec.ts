import type { Pool } from 'pg';
import { createThrowawaySchema, type ThrowawaySchema } from '@rc/testing';
import { MigrationDriftError, runMigrations, withTransaction } from '../../src/database';

describe('runMigrations', () => {
  let db: ThrowawaySchema;
  let schema: string;
  let pool: Pool;

  beforeAll(async () => {
    db = await createThrowawaySchema('mig', 10);
    ({ schema, pool } = db);
  });

  afterAll(() => db?.drop());

  const m1 = {
    id: '001_items',
    sql: 'CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL CHECK (n >= 0))',
  };
  const m2 = { id: '002_seed', sql: 'INSERT INTO items VALUES (1, 5)' };

  it('when three replicas migrate at once, then each migration runs exactly once', async () => {
    const results = await Promise.all([1, 2, 3].map(() => runMigrations(pool, [m2, m1], schema)));

    expect(results.flat().sort()).toEqual(['001_items', '002_seed']);
    const rows = await pool.query('SELECT count(*)::int AS c FROM items');
    expect(rows.rows[0].c).toBe(1);
  });

  it('when an applied migration was edited, then it refuses with a drift error', async () => {
    const edited = { ...m2, sql: 'INSERT INTO items VALUES (2, 5)' };

    await expect(runMigrations(pool, [m1, edited], schema)).rejects.toBeInstanceOf(
      MigrationDriftError,
    );
  });

  it('when a migration fails, then nothing of it is kept and it is not recorded', async () => {
    const bad = {
      id: '003_bad',
      sql: 'CREATE TABLE partial (id int); INSERT INTO items VALUES (9, -1)',
    };

    await expect(runMigrations(pool, [m1, m2, bad], schema)).rejects.toThrow(/check constraint/);

    const table = await pool.query(`SELECT to_regclass('${schema}.partial') AS t`);
    const recorded = await pool.query(`SELECT id FROM schema_migrations WHERE id = '003_bad'`);
    expect(table.rows[0].t).toBeNull();
    expect(recorded.rowCount).toBe(0);
  });

  it('when work in withTransaction throws, then its writes are rolled back', async () => {
    const attempt = withTransaction(pool, async (client) => {
      await client.query('INSERT INTO items VALUES (10, 1)');
      throw new Error('boom');
    });

    await expect(attempt).rejects.toThrow('boom');
    const rows = await pool.query('SELECT 1 FROM items WHERE id = 10');
    expect(rows.rowCount).toBe(0);
  });
});
