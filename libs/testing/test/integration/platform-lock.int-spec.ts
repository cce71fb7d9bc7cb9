import { randomInt } from 'node:crypto';
import { Client } from 'pg';
import { acquirePlatformLock, requirePostgres, testEnv } from '../../src';

describe('acquirePlatformLock (real Postgres advisory lock)', () => {
  const databaseUrl = testEnv().databaseUrl;
  // A key of this test's own, so a platform run elsewhere on the machine is not disturbed.
  const key = randomInt(1_000_000, 2_000_000_000);

  beforeAll(() => requirePostgres());

  /** The application names of the sessions Postgres says hold this test's advisory lock. */
  const holders = async (): Promise<string[]> => {
    const admin = new Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ name: string }>(
        `SELECT a.application_name AS name
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1::bigint`,
        [key],
      );
      return rows.map((r) => r.name);
    } finally {
      await admin.end();
    }
  };

  it('when another run holds the lock, then a second run waits, says who holds it, and gives up after its bound', async () => {
    const first = await acquirePlatformLock({ databaseUrl, key, label: 'suite-A', waitMs: 1_000 });
    const messages: string[] = [];
    try {
      const started = Date.now();
      const second = acquirePlatformLock({
        databaseUrl,
        key,
        label: 'suite-B',
        waitMs: 1_500,
        reportEveryMs: 200,
        onWait: (m) => messages.push(m),
      });

      await expect(second).rejects.toThrow(/another platform run \(suite-A\) still holds/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
      expect(messages.length).toBeGreaterThanOrEqual(2);
      expect(messages[0]).toContain('suite-A');
    } finally {
      await first.release();
    }
  });

  it('when the holder releases, then the waiting run gets the lock', async () => {
    // Arrange: suite-B waits behind suite-A
    const first = await acquirePlatformLock({ databaseUrl, key, label: 'suite-A', waitMs: 1_000 });
    let secondAcquired = false;
    const second = acquirePlatformLock({
      databaseUrl,
      key,
      label: 'suite-B',
      waitMs: 10_000,
      onWait: () => undefined,
    }).then((lock) => {
      secondAcquired = true;
      return lock;
    });
    await new Promise((r) => setTimeout(r, 700));
    expect(secondAcquired).toBe(false);
    expect(await holders()).toEqual(['suite-A']);

    // Act
    await first.release();
    const lock = await second;

    // Assert: suite-B, and only suite-B, now holds the lock
    try {
      expect(await holders()).toEqual(['suite-B']);
    } finally {
      await lock.release();
    }
    expect(await holders()).toEqual([]);
  });

  it("when the holder's connection dies (a crashed run), then the lock is free again", async () => {
    const first = await acquirePlatformLock({ databaseUrl, key, label: 'crashing', waitMs: 1_000 });
    const admin = new Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      // Act: the server ends the holder's session, as when its process is killed.
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'crashing'`,
      );
      const next = await acquirePlatformLock({
        databaseUrl,
        key,
        label: 'next',
        waitMs: 5_000,
        onWait: () => undefined,
      });

      // Assert: the crashed run's lock went with its session, and the next run holds it
      try {
        expect(await holders()).toEqual(['next']);
      } finally {
        await next.release();
      }
    } finally {
      await admin.end();
      await first.release();
    }
  });
});
