import 'reflect-metadata';
import { Body, Controller, Post, Res } from '@nestjs/common';
import type { ThrowawaySchema } from '@rc/testing';
import type { FastifyReply } from 'fastify';
import { idempotentCompletion, isoTimestampSql } from '../../src/idempotency';
import { Idempotent } from '../../src/nest';
import { type IdempotencyTestApp, startIdempotencyTestApp } from '../support/idempotency-test-app';

/** How the next request's handler builds the response it hands to its statement. */
let plan: {
  /** Complete the key only if this holds (the statement's condition). */
  complete: boolean;
  /** Body stored by the statement, when it is not the answer (a handler bug). */
  storedBody?: unknown;
  /** Throw after the statement committed. */
  failAfter?: boolean;
} = { complete: true };
let executions = 0;
let db: ThrowawaySchema;

/**
 * A handler whose one statement inserts its row and completes its key: the answer's
 * `createdAt` is the row's `now()`, which only the statement knows.
 */
@Controller('v1/notes')
class NotesController {
  @Post()
  @Idempotent()
  async create(
    @Body() input: { text: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ id: number; text: string; createdAt: string }> {
    executions++;
    const id = executions;
    const location = `/v1/notes/${id}`;
    const part = idempotentCompletion(
      {
        status: 201,
        headers: { Location: location, 'x-not-replayed': 'yes' },
        body: plan.storedBody ?? { id, text: input.text },
      },
      {
        bodyFromSql: {
          createdAt: isoTimestampSql('now()'),
        },
      },
    );
    const when = plan.complete ? 'EXISTS (SELECT 1 FROM inserted)' : 'false';
    const { rows } = await db.pool.query<{ created_at: Date; idem: unknown }>(
      `WITH inserted AS (
         INSERT INTO ${db.schema}.notes (id, text) VALUES ($1, $2) RETURNING created_at
       )${part ? `, ${part.cte('idem', 3, when)}` : ''}
       SELECT (SELECT created_at FROM inserted) AS created_at${part ? `, ${part.result('idem')} AS idem` : ''}`,
      [id, input.text, ...(part?.values ?? [])],
    );
    part?.settle(rows[0]!.idem);
    if (plan.failAfter) throw new Error('failed after the statement');
    void reply.status(201).header('location', location).header('x-not-replayed', 'yes');
    return { id, text: input.text, createdAt: rows[0]!.created_at.toISOString() };
  }
}

describe('an Idempotency-Key completed inside the handler’s own statement (Postgres)', () => {
  let t: IdempotencyTestApp;

  beforeAll(async () => {
    t = await startIdempotencyTestApp({
      name: 'idem_stmt',
      poolSize: 5,
      controllers: [NotesController],
      tablesSql: (schema) =>
        `CREATE TABLE ${schema}.notes (id int PRIMARY KEY, text text NOT NULL,
           created_at timestamptz NOT NULL DEFAULT now())`,
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
  const keyRow = (key: string) => t.keyRow<{ state: string; response_body: unknown }>(key);
  const outcomes = (outcome: string) => t.outcomes(outcome);

  it('when the statement completes the key, then a retry replays the answer — its SQL-computed field included — without running again', async () => {
    // Arrange
    const before = await outcomes('completed');
    const complete = jest.spyOn(t.store, 'complete');
    const first = await post('stmt-1');
    const ran = executions;

    // Act
    const retry = await post('stmt-1');

    // Assert
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.headers['x-not-replayed']).toBeUndefined();
    expect(retry.json()).toEqual(first.json());
    expect(first.json().createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(executions).toBe(ran);
    // Completed by the statement: no completion round trip of the interceptor's.
    expect(complete).not.toHaveBeenCalled();
    expect(await keyRow('stmt-1')).toMatchObject({ state: 'completed', lock_token: null });
    expect((await outcomes('completed')) - before).toBe(1);
    expect(await outcomes('replaced')).toBe(0);
  });

  it('when the statement’s condition is false, then the interceptor completes the key itself', async () => {
    // Arrange
    plan = { complete: false };
    const complete = jest.spyOn(t.store, 'complete');
    const first = await post('stmt-2');

    // Act
    const retry = await post('stmt-2');

    // Assert
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(complete).toHaveBeenCalledTimes(1);
  });

  it('when the statement stored something other than the answer, then the answer replaces it', async () => {
    // Arrange
    plan = { complete: true, storedBody: { id: -1, text: 'not what was answered' } };
    const replacedBefore = await outcomes('replaced');
    const first = await post('stmt-3', 'answered');

    // Act
    const retry = await post('stmt-3', 'answered');

    // Assert
    expect(first.json()).toMatchObject({ text: 'answered' });
    expect(retry.json()).toEqual(first.json());
    expect((await keyRow('stmt-3'))!.response_body).toEqual(first.json());
    expect((await outcomes('replaced')) - replacedBefore).toBe(1);
  });

  it('when the handler fails after its statement completed the key, then the key is released and a retry runs again', async () => {
    // Arrange
    plan = { complete: true, failAfter: true };
    const first = await post('stmt-4');
    plan = { complete: true };
    const ran = executions;

    // Act
    const retry = await post('stmt-4');

    // Assert
    expect(first.statusCode).toBe(500);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(executions).toBe(ran + 1);
  });
});
