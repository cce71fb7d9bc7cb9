import { randomInt } from 'node:crypto';
import { Client } from 'pg';
import { acquirePlatformLock, requirePostgres, testEnv } from '../../src';

describe('acquirePlatformLock (real Postgres advisory lock)', () => {
  const databaseUrl = testEnv().databaseUrl;
  // A key of this test's own, so a platform run elsewhere on the machine is not disturbed.
  const key = randomInt(1_000_000, 2_000_000_000);

  beforeAll(() => requirePostgres());

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
    const first = await acquirePlatformLock({ databaseUrl, key, label: 'suite-A', waitMs: 1_000 });
    const second = acquirePlatformLock({
      databaseUrl,
      key,
      label: 'suite-B',
      waitMs: 10_000,
      onWait: () => undefined,
    });
    await new Promise((r) => setTimeout(r, 700));

    await first.release();
    const lock = await second;

    await lock.release();
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

      // Assert: acquired (it would have thrown otherwise)
      await next.release();
    } finally {
      await admin.end();
      await first.release();
    }
  });
});
