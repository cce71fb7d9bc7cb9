import type { Pool } from 'pg';
import { createThrowawaySchema, type ThrowawaySchema } from '@rc/testing';
import { withTransaction } from '../../src/database';

describe('withTransaction', () => {
  let db: ThrowawaySchema;
  let pool: Pool;

  beforeAll(async () => {
    db = await createThrowawaySchema('tx', 4);
    ({ pool } = db);
  });

  afterAll(() => db?.drop());

  it('when the connection dies while the transaction waits on something else, then the call fails and the process does not crash', async () => {
    const crashes: unknown[] = [];
    const onUncaught = (e: unknown) => crashes.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      const result = withTransaction(pool, async (client) => {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // The connection is killed while no query runs on it (as during an HTTP call).
        await pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await new Promise((r) => setTimeout(r, 300));
        await client.query('SELECT 1');
      });

      await expect(result).rejects.toThrow();
      expect(crashes).toEqual([]);
      // The pool still serves queries (the broken client was discarded, not reused).
      await expect(pool.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
