import { Client } from 'pg';
import { createThrowawayDatabase, createThrowawaySchema, testEnv } from '../../src';

async function adminQuery<T extends object>(sql: string, params: unknown[]): Promise<T[]> {
  const client = new Client({ connectionString: testEnv().databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('throw-away databases and schemas (real Postgres)', () => {
  it('when a schema is created, then unqualified tables land in it and drop removes it', async () => {
    // Arrange
    const db = await createThrowawaySchema('it-testing-schema');

    // Act
    await db.pool.query('CREATE TABLE notes (id int PRIMARY KEY)');
    const tables = await adminQuery<{ table_schema: string }>(
      `SELECT table_schema FROM information_schema.tables WHERE table_name = 'notes' AND table_schema = $1`,
      [db.schema],
    );
    await db.drop();

    // Assert
    expect(db.schema).toMatch(/^it_testing_schema_/);
    expect(tables).toEqual([{ table_schema: db.schema }]);
    const left = await adminQuery(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [db.schema]);
    expect(left).toHaveLength(0);
  });

  it('when a database is created, then a second pool sees the first one’s data and drop ends both', async () => {
    // Arrange
    const db = await createThrowawayDatabase('it_testing_db', 2);
    const replica = db.newPool(1);

    // Act
    await db.pool.query('CREATE TABLE notes (body text NOT NULL)');
    await db.pool.query(`INSERT INTO notes VALUES ('written by the first pool')`);
    const { rows } = await replica.query<{ body: string }>('SELECT body FROM notes');
    await db.drop();

    // Assert
    expect(rows).toEqual([{ body: 'written by the first pool' }]);
    expect(replica.ending).toBe(true);
    const name = new URL(db.url).pathname.slice(1);
    const left = await adminQuery(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    expect(left).toHaveLength(0);
  });
});
