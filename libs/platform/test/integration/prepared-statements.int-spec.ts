import { requirePostgres, testEnv } from '@rc/testing';
import type { Pool } from 'pg';
import { createPgPool } from '../../src/connections';

describe('createPgPool prepared statements (real Postgres)', () => {
  let pool: Pool;

  beforeAll(async () => {
    await requirePostgres();
    pool = createPgPool(testEnv().databaseUrl, { max: 2 });
  });
  afterAll(() => pool.end());

  const preparedOnThisSession = async (db: Pick<Pool, 'query'>) =>
    (
      await db.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')
    ).rows.map((r) => r.statement);

  it('when a parameterised query runs twice on a session, then it is prepared once and answers both times', async () => {
    const client = await pool.connect();
    try {
      const text = 'SELECT $1::int + 1 AS n /* prepared-statements spec */';

      const first = await client.query<{ n: number }>(text, [1]);
      const second = await client.query<{ n: number }>(text, [41]);

      expect([first.rows[0]!.n, second.rows[0]!.n]).toEqual([2, 42]);
      const prepared = await preparedOnThisSession(client);
      expect(prepared.filter((s) => s === text)).toHaveLength(1);
    } finally {
      client.release();
    }
  });

  it('when queries have no values, then they run unprepared (transactions and several statements in one string still work)', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        'CREATE TEMP TABLE prep_spec (n int) ON COMMIT DROP; INSERT INTO prep_spec VALUES (7)',
      );
      const { rows } = await client.query<{ n: number }>(
        'SELECT n FROM prep_spec WHERE n = $1',
        [7],
      );
      await client.query('COMMIT');

      expect(rows).toEqual([{ n: 7 }]);
      expect(await preparedOnThisSession(client)).not.toContain('BEGIN');
    } finally {
      client.release();
    }
  });

  it('when the same text runs through pool.query on several sessions, then every session answers it', async () => {
    const text = 'SELECT $1::text AS v /* prepared-statements spec, pool */';

    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => pool.query<{ v: string }>(text, [`v${i}`])),
    );

    expect(answers.map((a) => a.rows[0]!.v)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
  });

  it('when prepareStatements is false, then nothing is prepared', async () => {
    const plain = createPgPool(testEnv().databaseUrl, { max: 1, prepareStatements: false });
    try {
      await plain.query('SELECT $1::int AS n /* unprepared */', [1]);

      expect(await preparedOnThisSession(plain)).toEqual([]);
    } finally {
      await plain.end();
    }
  });
});
