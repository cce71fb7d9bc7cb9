import { createThrowawaySchema, type ThrowawaySchema, uniqueName } from '@rc/testing';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import {
  applyIdempotencyMigration,
  PostgresIdempotencyStore,
  type PostgresIdempotencyStoreOptions,
  requestFingerprint,
  type StoredResponse,
} from '../../src/idempotency';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fp = (body: unknown) => requestFingerprint({ method: 'POST', path: '/v1/orders', body });

describe('PostgresIdempotencyStore against Postgres', () => {
  let db: ThrowawaySchema;
  let schema: string;
  let pool: Pool;

  beforeAll(async () => {
    db = await createThrowawaySchema('idem_it', 12);
    ({ schema, pool } = db);
    await applyIdempotencyMigration(pool, { schema });
  });

  afterAll(async () => {
    await db?.drop();
  });

  const store = (options: Partial<PostgresIdempotencyStoreOptions> = {}) =>
    new PostgresIdempotencyStore({ pool, schema, registry: new Registry(), ...options });

  it('when 50 identical requests race on one key, then exactly one executes and every caller ends with its response', async () => {
    // Arrange
    const s = store({ lockTimeoutMs: 10_000 });
    const key = uniqueName('race');
    const print = fp({ sku: 'A', qty: 1 });
    let executions = 0;
    const firstAnswers: string[] = [];

    const caller = async (): Promise<StoredResponse> => {
      for (let round = 0; round < 100; round++) {
        const begun = await s.begin('client-1', key, print);
        if (round === 0) firstAnswers.push(begun.outcome);
        if (begun.outcome === 'replay') return begun.response;
        if (begun.outcome === 'started') {
          executions++;
          await sleep(300); // the work, long enough for the others to see it in flight
          const response = { status: 201, headers: { location: '/v1/orders/1' }, body: { id: 1 } };
          expect(await s.complete(begun.lease, response)).toBe(true);
          return response;
        }
        expect(begun.outcome).toBe('in_flight');
        await sleep(50);
      }
      throw new Error('never completed');
    };

    // Act
    const responses = await Promise.all(Array.from({ length: 50 }, caller));

    // Assert
    expect(executions).toBe(1);
    expect(firstAnswers.filter((o) => o === 'started')).toHaveLength(1);
    expect(firstAnswers.filter((o) => o === 'in_flight').length).toBeGreaterThan(0);
    expect(firstAnswers.every((o) => ['started', 'in_flight', 'replay'].includes(o))).toBe(true);
    expect(new Set(responses.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(responses[0]).toEqual({
      status: 201,
      headers: { location: '/v1/orders/1' },
      body: { id: 1 },
    });
  });

  it('when a key is reused with a different payload, then it is a mismatch whether the first is running or done', async () => {
    // Arrange
    const s = store();
    const key = uniqueName('mismatch');
    const first = await s.begin('client-1', key, fp({ qty: 1 }));

    // Act
    const whileRunning = await s.begin('client-1', key, fp({ qty: 2 }));
    if (first.outcome !== 'started') throw new Error('expected started');
    await s.complete(first.lease, { status: 200, headers: {}, body: { ok: true } });
    const afterwards = await s.begin('client-1', key, fp({ qty: 2 }));

    // Assert
    expect(whileRunning).toEqual({ outcome: 'mismatch' });
    expect(afterwards).toEqual({ outcome: 'mismatch' });
  });

  it('when two clients use the same key, then each gets its own execution', async () => {
    // Arrange
    const s = store();
    const key = uniqueName('scoped');

    // Act
    const a = await s.begin('client-a', key, fp({ qty: 1 }));
    const b = await s.begin('client-b', key, fp({ qty: 1 }));

    // Assert
    expect([a.outcome, b.outcome]).toEqual(['started', 'started']);
  });

  it('when a request dies holding the key, then retries are in flight until its lease expires and then take it over', async () => {
    // Arrange: a short lease; the "killed" request never completes or releases
    const s = store({ lockTimeoutMs: 400 });
    const key = uniqueName('crash');
    const print = fp({ qty: 1 });
    const crashed = await s.begin('client-1', key, print);
    if (crashed.outcome !== 'started') throw new Error('expected started');

    // Act
    const early = await s.begin('client-1', key, print);
    await sleep(500);
    const late = await s.begin('client-1', key, print);

    // Assert
    expect(early).toMatchObject({ outcome: 'in_flight' });
    expect(early.outcome === 'in_flight' && early.retryAfterMs).toBeLessThanOrEqual(400);
    expect(late).toMatchObject({ outcome: 'started', takenOver: true });
    if (late.outcome !== 'started') throw new Error('expected started');
    // the zombie can no longer write; the new owner can
    expect(await s.complete(crashed.lease, { status: 200, headers: {}, body: 'zombie' })).toBe(
      false,
    );
    expect(await s.complete(late.lease, { status: 200, headers: {}, body: 'fresh' })).toBe(true);
    const replay = await s.begin('client-1', key, print);
    expect(replay).toEqual({
      outcome: 'replay',
      response: { status: 200, headers: {}, body: 'fresh' },
    });
    const attempts = await pool.query(
      `SELECT attempts FROM ${schema}.idempotency_keys WHERE key = $1`,
      [key],
    );
    expect(attempts.rows[0].attempts).toBe(2);
  });

  it('when a started request fails and releases the key, then the same request can start again', async () => {
    // Arrange
    const s = store();
    const key = uniqueName('release');
    const print = fp({ qty: 1 });
    const first = await s.begin('client-1', key, print);
    if (first.outcome !== 'started') throw new Error('expected started');

    // Act
    const released = await s.release(first.lease);
    const retry = await s.begin('client-1', key, print);

    // Assert
    expect(released).toBe(true);
    expect(retry).toMatchObject({ outcome: 'started', takenOver: false });
  });

  it('when keys expire, then purgeExpired deletes them in batches and leaves live keys alone', async () => {
    // Arrange: three keys of a 300 ms store, one of a 1 h store
    const short = store({ lockTimeoutMs: 100, ttlMs: 300 });
    const long = store({ ttlMs: 3_600_000 });
    const prefix = uniqueName('purge');
    for (const i of [1, 2, 3]) await short.begin('client-1', `${prefix}-${i}`, fp({ i }));
    await long.begin('client-1', `${prefix}-live`, fp({ live: true }));
    await sleep(400);

    // Act
    const firstBatch = await short.purgeExpired(2);
    const secondBatch = await short.purgeExpired(10);

    // Assert
    expect(firstBatch).toBe(2);
    expect(secondBatch).toBeGreaterThanOrEqual(1);
    const left = await pool.query(`SELECT key FROM ${schema}.idempotency_keys WHERE key LIKE $1`, [
      `${prefix}%`,
    ]);
    expect(left.rows.map((r: { key: string }) => r.key)).toEqual([`${prefix}-live`]);
  });

  it('when an expired key is reused before the purge ran, then it starts afresh even with a new payload', async () => {
    // Arrange
    const s = store({ lockTimeoutMs: 100, ttlMs: 300 });
    const key = uniqueName('reuse');
    const first = await s.begin('client-1', key, fp({ v: 1 }));
    if (first.outcome !== 'started') throw new Error('expected started');
    await s.complete(first.lease, { status: 200, headers: {}, body: { v: 1 } });
    await sleep(400);

    // Act
    const reused = await s.begin('client-1', key, fp({ v: 2 }));

    // Assert
    expect(reused).toMatchObject({ outcome: 'started', takenOver: false });
  });

  it('when rows break the table rules, then the CHECK constraints refuse them', async () => {
    // Arrange
    const insert = (fingerprint: string, state: string) =>
      pool.query(
        `INSERT INTO ${schema}.idempotency_keys (scope, key, fingerprint, state, lock_token, locked_until, expires_at)
         VALUES ('c', $1, $2, $3, gen_random_uuid(), now(), now() + interval '1 hour')`,
        [uniqueName('bad'), fingerprint, state],
      );

    // Act + Assert
    await expect(insert('not-a-sha', 'in_flight')).rejects.toThrow(/check constraint/);
    await expect(insert('a'.repeat(64), 'completed')).rejects.toThrow(/state_consistent/);
  });

  it('when the migration runs again, then it changes nothing and does not fail', async () => {
    // Act + Assert
    await expect(applyIdempotencyMigration(pool, { schema })).resolves.toBeUndefined();
  });
});
