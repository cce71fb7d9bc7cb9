import 'reflect-metadata';
import { Body, Controller, Post, Res } from '@nestjs/common';
import type { ThrowawaySchema } from '@rc/testing';
import type { FastifyReply } from 'fastify';
import {
  idempotentClaim,
  idempotentCompletion,
  isoTimestampSql,
  requestFingerprint,
} from '../../src/idempotency';
import { Idempotent } from '../../src/nest';
import { type IdempotencyTestApp, startIdempotencyTestApp } from '../support/idempotency-test-app';

/** How the next request's handler behaves. */
let plan: {
  /** The one statement completes the key only if this holds (its condition). */
  complete: boolean;
  /** Answer before any statement (a handler that claims nothing). */
  answerEarly?: boolean;
  /** Throw before any statement. */
  failEarly?: boolean;
  /** Hold the statement's transaction open until this settles (a concurrent duplicate). */
  holdOpen?: Promise<void>;
} = { complete: true };
let runs = 0;
let db: ThrowawaySchema;

/**
 * Two handlers whose first statement claims the key: `notes` claims and completes it in its one
 * statement (as inventory's reserve does), `payments` claims it in a first statement and
 * completes it in a second (as payment's charge does).
 */
@Controller('v1')
class ClaimingController {
  @Post('notes')
  @Idempotent({ claimInStatement: true })
  async note(
    @Body() input: { text: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ id: number; text: string; createdAt?: string }> {
    runs++;
    const id = runs;
    if (plan.failEarly) throw new Error('failed before the statement');
    if (plan.answerEarly) {
      void reply.status(200);
      return { id, text: input.text };
    }
    const part = idempotentCompletion(
      { status: 201, headers: {}, body: { id, text: input.text } },
      { bodyFromSql: { createdAt: isoTimestampSql('now()') } },
    );
    const when = plan.complete ? 'EXISTS (SELECT 1 FROM inserted)' : 'false';
    const sql = `WITH inserted AS (
         INSERT INTO ${db.schema}.notes (id, text) VALUES ($1, $2) RETURNING created_at
       )${part ? `, ${part.cte('idem', 3, when)}` : ''}
       SELECT (SELECT created_at FROM inserted) AS created_at${part ? `, ${part.result('idem')} AS idem` : ''}`;
    const values = [id, input.text, ...(part?.values ?? [])];
    const rows = plan.holdOpen
      ? await inTransaction(sql, values, plan.holdOpen)
      : (await db.pool.query<{ created_at: Date; idem: unknown }>(sql, values)).rows;
    part?.settle(rows[0]!.idem);
    void reply.status(201);
    return { id, text: input.text, createdAt: rows[0]!.created_at.toISOString() };
  }

  @Post('payments')
  @Idempotent({ claimInStatement: true })
  async payment(@Body() input: { amount: number }): Promise<{ id: number; status: string }> {
    runs++;
    const id = runs;
    const claim = idempotentClaim();
    await db.pool.query(
      `${claim ? `WITH ${claim.cte('idem', 3)} ` : ''}INSERT INTO ${db.schema}.payments (id, amount, status) VALUES ($1, $2, 'AUTHORIZED')`,
      [id, input.amount, ...(claim?.values ?? [])],
    );
    claim?.settle();
    const part = idempotentCompletion({
      status: 201,
      headers: {},
      body: { id, status: 'CAPTURED' },
    });
    const { rows } = await db.pool.query<{ idem: unknown }>(
      `WITH captured AS (
         UPDATE ${db.schema}.payments SET status = 'CAPTURED' WHERE id = $1 RETURNING id
       )${part ? `, ${part.cte('idem', 2, 'EXISTS (SELECT 1 FROM captured)')}` : ''}
       SELECT ${part ? part.result('idem') : 'NULL'} AS idem`,
      [id, ...(part?.values ?? [])],
    );
    part?.settle(rows[0]!.idem);
    return { id, status: 'CAPTURED' };
  }
}

async function inTransaction(sql: string, values: unknown[], until: Promise<void>) {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ created_at: Date; idem: unknown }>(sql, values);
    await until;
    await client.query('COMMIT');
    return rows;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

describe('an Idempotency-Key claimed inside the handler’s own statement (Postgres)', () => {
  let t: IdempotencyTestApp;

  beforeAll(async () => {
    t = await startIdempotencyTestApp({
      name: 'idem_claim',
      poolSize: 6,
      controllers: [ClaimingController],
      tablesSql: (schema) =>
        `CREATE TABLE ${schema}.notes (id int PRIMARY KEY, text text NOT NULL,
           created_at timestamptz NOT NULL DEFAULT now());
         CREATE TABLE ${schema}.payments (id int PRIMARY KEY, amount int NOT NULL,
           status text NOT NULL)`,
    });
    db = t.db;
  });

  afterAll(async () => {
    await t?.close();
  });

  beforeEach(() => {
    plan = { complete: true };
    jest.restoreAllMocks();
  });

  const post = (key: string, text = 'hello') => t.post('/v1/notes', key, { text });
  const keyRow = (key: string) => t.keyRow<{ state: string; attempts: number }>(key);

  const notesOf = async (text: string) =>
    Number(
      (
        await db.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${db.schema}.notes WHERE text = $1`,
          [text],
        )
      ).rows[0]!.n,
    );

  it('when the key is new, then the handler’s one statement claims and completes it — no statement of the interceptor’s — and a retry replays the answer with nothing kept of its run', async () => {
    // Arrange
    const begin = jest.spyOn(t.store, 'begin');
    const complete = jest.spyOn(t.store, 'complete');
    const first = await post('claim-1', 'new');
    expect(begin).not.toHaveBeenCalled();
    expect(complete).not.toHaveBeenCalled();

    // Act
    const retry = await post('claim-1', 'new');

    // Assert
    expect(first.statusCode).toBe(201);
    expect(first.json().createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    // The retry's statement met the key and was undone; the claim of its own found the answer.
    expect(begin).toHaveBeenCalledTimes(1);
    expect(await notesOf('new')).toBe(1);
    expect(await keyRow('claim-1')).toMatchObject({ state: 'completed' });
  });

  it('when the statement’s condition is false, then it claims the key in flight and the interceptor completes it with the answer', async () => {
    // Arrange
    plan = { complete: false };
    const begin = jest.spyOn(t.store, 'begin');
    const complete = jest.spyOn(t.store, 'complete');
    const first = await post('claim-2', 'in flight');

    // Act
    const retry = await post('claim-2', 'in flight');

    // Assert
    expect(first.statusCode).toBe(201);
    expect(complete).toHaveBeenCalledTimes(1);
    expect(begin).toHaveBeenCalledTimes(1); // the retry's, after its statement met the key
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
  });

  it('when another request holds the key, then 409 and the statement is undone', async () => {
    // Arrange
    const fingerprint = requestFingerprint({
      method: 'POST',
      path: '/v1/notes',
      body: { text: 'held' },
    });
    const held = await t.store.begin('client-1', 'claim-3', fingerprint);
    expect(held.outcome).toBe('started');

    // Act
    const res = await post('claim-3', 'held');

    // Assert
    expect(res.statusCode).toBe(409);
    expect(await notesOf('held')).toBe(0);
  });

  it('when the key was used for another request, then 422 and the statement is undone', async () => {
    // Arrange
    await post('claim-4', 'first use');

    // Act
    const res = await post('claim-4', 'other use');

    // Assert
    expect(res.statusCode).toBe(422);
    expect(await notesOf('other use')).toBe(0);
  });

  it('when a duplicate arrives while the first statement’s transaction is open, then it waits, is undone, and replays the first answer', async () => {
    // Arrange
    let commit!: () => void;
    plan = { complete: true, holdOpen: new Promise<void>((resolve) => (commit = resolve)) };
    const first = post('claim-5', 'concurrent');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const duplicatePlan = { complete: true };
    plan = duplicatePlan;
    const duplicate = post('claim-5', 'concurrent');
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Act
    commit();
    const [a, b] = await Promise.all([first, duplicate]);

    // Assert
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.json()).toEqual(a.json());
    expect(await notesOf('concurrent')).toBe(1);
  });

  it('when the key expired, then the retry takes it over and runs again under a lease of its own', async () => {
    // Arrange
    await post('claim-6', 'expired');
    await db.pool.query(
      `UPDATE ${db.schema}.idempotency_keys
         SET created_at = now() - interval '2 days', expires_at = now() - interval '1 day'
       WHERE key = 'claim-6'`,
    );
    const ran = runs;

    // Act
    const res = await post('claim-6', 'expired');

    // Assert
    expect(res.statusCode).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(runs).toBe(ran + 2); // undone once, then run under the lease
    expect(await notesOf('expired')).toBe(2);
    expect(await keyRow('claim-6')).toMatchObject({ state: 'completed', attempts: 1 });
  });

  it('when the handler answers before any statement, then its answer is stored under a claim of the interceptor’s', async () => {
    // Arrange
    plan = { complete: true, answerEarly: true };
    const first = await post('claim-7', 'early');
    const ran = runs;

    // Act
    const retry = await post('claim-7', 'early');

    // Assert
    expect(first.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    // The retry ran to its early answer (which claims nothing); the stored answer was replayed.
    expect(runs).toBe(ran + 1);
  });

  it('when the handler fails before any statement, then no key is left and a retry runs', async () => {
    // Arrange
    plan = { complete: true, failEarly: true };
    const first = await post('claim-8', 'fails');
    plan = { complete: true };

    // Act
    const retry = await post('claim-8', 'fails');

    // Assert
    expect(first.statusCode).toBe(500);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await notesOf('fails')).toBe(1);
  });

  it('when the first statement claims and a later one completes, then no statement of the interceptor’s runs and a retry replays', async () => {
    // Arrange
    const begin = jest.spyOn(t.store, 'begin');
    const complete = jest.spyOn(t.store, 'complete');
    const charge = () => t.post('/v1/payments', 'claim-9', { amount: 1234 });
    const first = await charge();
    expect(begin).not.toHaveBeenCalled();
    expect(complete).not.toHaveBeenCalled();

    // Act
    const retry = await charge();

    // Assert
    expect(first.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    const { rows } = await db.pool.query(
      `SELECT status FROM ${db.schema}.payments WHERE amount = 1234`,
    );
    expect(rows).toEqual([{ status: 'CAPTURED' }]);
  });
});
