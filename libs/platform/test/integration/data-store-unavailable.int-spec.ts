import { Pool } from 'pg';
import { closedPort, testEnv } from '@rc/testing';
import { dataStoreUnavailable, toProblem } from '../../src/errors';

/** What a real node-postgres pool throws, caught. */
async function thrownBy(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('data store unavailable (real Postgres)', () => {
  it('when every pooled connection is taken past the wait, then the error answers 503 DATA_STORE.UNAVAILABLE with Retry-After', async () => {
    // Opening the one connection gets a generous bound (a busy CI machine can take more than
    // 150 ms to start a backend); only the wait for it, once it is taken, gets the short one.
    const pool = new Pool({
      connectionString: testEnv().databaseUrl,
      max: 1,
      connectionTimeoutMillis: 10_000,
    });
    const held = await pool.connect();
    pool.options.connectionTimeoutMillis = 150;
    try {
      const error = await thrownBy(() => pool.query('SELECT 1'));

      const { problem, headers } = toProblem(dataStoreUnavailable(error));
      expect(problem).toMatchObject({ status: 503, code: 'DATA_STORE.UNAVAILABLE' });
      expect(problem.detail).not.toContain('timeout exceeded');
      expect(headers['retry-after']).toBe('1');
    } finally {
      held.release();
      await pool.end();
    }
  });

  it('when the server refuses the connection or ends the session, then 503 too', async () => {
    const nowhere = new URL(testEnv().databaseUrl);
    nowhere.port = String(await closedPort());
    const refused = new Pool({ connectionString: nowhere.toString(), max: 1 });
    const pool = new Pool({ connectionString: testEnv().databaseUrl, max: 2 });
    try {
      const refusal = await thrownBy(() => refused.query('SELECT 1'));
      const client = await pool.connect();
      client.on('error', () => undefined);
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const ended = await thrownBy(() =>
        client.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]),
      );
      client.release(true);

      expect(dataStoreUnavailable(refusal)?.httpStatus).toBe(503);
      expect(dataStoreUnavailable(ended)?.httpStatus).toBe(503);
    } finally {
      await refused.end();
      await pool.end();
    }
  });

  it('when a query is wrong, then it is not a data store outage (stays a 500 bug)', async () => {
    const pool = new Pool({ connectionString: testEnv().databaseUrl, max: 1 });
    try {
      const error = await thrownBy(() => pool.query('SELECT * FROM no_such_table'));

      expect(dataStoreUnavailable(error)).toBeUndefined();
    } finally {
      await pool.end();
    }
  });
});
