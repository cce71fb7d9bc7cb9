import { createThrowawayDatabase, type ThrowawayDatabase } from '@rc/testing';
import { Client } from 'pg';
import { signal } from '../platform/safety-net';
import { stopAtSafePoint } from './backend-freeze';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function connect(url: string): Promise<{ client: Client; pid: number }> {
  const client = new Client({ connectionString: url });
  // A client whose backend a test ended may still report the end: expected, not a failure.
  client.on('error', () => undefined);
  await client.connect();
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return { client, pid: rows[0]!.pid };
}

describe('stopAtSafePoint on real Postgres backends', () => {
  let victim: ThrowawayDatabase;
  let other: ThrowawayDatabase;
  /** Every backend a test stopped, let go in afterEach whatever happened: a stopped backend can hold up the whole server. */
  const stopped = new Set<number>();

  beforeAll(async () => {
    victim = await createThrowawayDatabase('chaos_freeze_victim');
    other = await createThrowawayDatabase('chaos_freeze_other');
    await victim.pool.query('CREATE TABLE t (id bigserial PRIMARY KEY, v text)');
    await other.pool.query('CREATE TABLE t (id bigserial PRIMARY KEY, v text)');
  });

  afterEach(() => {
    for (const pid of stopped) signal(pid, 'SIGCONT');
    stopped.clear();
  });

  afterAll(async () => {
    await victim.drop();
    await other.drop();
  });

  it('when the backend is idle, then it is stopped within a few tries and a query sent to it hangs until it is let go', async () => {
    // Arrange
    const { client, pid } = await connect(victim.url);

    try {
      // Act
      const stop = await stopAtSafePoint(pid);
      stopped.add(pid);
      let answered = false;
      const query = client.query('SELECT 1').then(() => (answered = true));
      await sleep(300);
      const answeredWhileStopped = answered;
      signal(pid, 'SIGCONT');
      await query;

      // Assert: stopped within a few tries. An idle backend is almost always caught waiting at the
      // first, but not always: it leaves its wait for a moment to answer a signal (the catch-up
      // on catalog invalidations other tests' DDL sends every backend; once in a CI run, tries 2).
      expect(stop).toEqual({ pid, outcome: 'stopped', tries: expect.any(Number) });
      expect((stop as { tries: number }).tries).toBeLessThanOrEqual(5);
      expect(answeredWhileStopped).toBe(false);
    } finally {
      await client.end();
    }
  });

  it('when the backend computes without a pause, then it is never caught waiting and is left running', async () => {
    // Arrange: one statement that only computes (no I/O, no wait) for far longer than the tries:
    // a PL/pgSQL loop (a generate_series in FROM would spill to a temporary file instead).
    const { client, pid } = await connect(victim.url);
    const busy = client
      .query('DO $$ BEGIN FOR i IN 1..2000000000 LOOP END LOOP; END $$')
      .catch(() => undefined);
    await sleep(200);

    try {
      // Act
      const stop = await stopAtSafePoint(pid, { maxTries: 30, maxPauseMs: 2 });
      stopped.add(pid);
      const state = await other.pool.query<{ state: string }>(
        'SELECT state FROM pg_stat_activity WHERE pid = $1',
        [pid],
      );

      // Assert
      expect(stop).toEqual({ pid, outcome: 'busy', tries: 30 });
      expect(state.rows[0]?.state).toBe('active');
    } finally {
      await other.pool.query('SELECT pg_cancel_backend($1)', [pid]);
      await busy;
      await client.end();
    }
  });

  it('when a backend committing in a loop is stopped 30 times, then another database keeps committing through every stop', async () => {
    // Arrange: the victim writes WAL without a pause, so a blind SIGSTOP often lands inside
    // a commit; the other database commits one row at a time on three connections.
    const { client, pid } = await connect(victim.url);
    let running = true;
    const writer = (async () => {
      while (running)
        await client
          .query("INSERT INTO t (v) SELECT repeat('x', 200) FROM generate_series(1, 50)")
          .catch(() => undefined);
    })();
    let commits = 0;
    const committers = [1, 2, 3].map(async () => {
      while (running) {
        await other.pool.query("INSERT INTO t (v) VALUES ('y')");
        commits++;
      }
    });
    const commitsPerStop: number[] = [];
    const tries: number[] = [];

    try {
      for (let i = 0; i < 30; i++) {
        await sleep(20 + Math.random() * 40);
        // Act
        const stop = await stopAtSafePoint(pid);
        stopped.add(pid);
        const before = commits;
        await sleep(300);
        commitsPerStop.push(commits - before);
        signal(pid, 'SIGCONT');
        stopped.delete(pid);
        if (stop.outcome === 'stopped') tries.push(stop.tries);
      }
    } finally {
      running = false;
      for (const p of stopped) signal(p, 'SIGCONT');
      await Promise.all([writer, ...committers]);
      await client.end();
    }

    // Assert: every stop caught the victim waiting, and none held up the other database.
    expect(tries).toHaveLength(30);
    expect(commitsPerStop.filter((n) => n === 0)).toEqual([]);
  }, 60_000);
});
