import 'reflect-metadata';
import { Body, Controller, Headers, Post, Res } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createThrowawaySchema, type ThrowawaySchema, uniqueName } from '@rc/testing';
import type { FastifyReply } from 'fastify';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { applyIdempotencyMigration, PostgresIdempotencyStore } from '../../src/idempotency';
import { AdaptiveConcurrencyLimiter, AimdLimit } from '../../src/load-shedding';
import { Idempotent, ResilienceModule } from '../../src/nest';
import { ProblemFilter } from '../support/problem-filter';

let executions = 0;
let failNext = false;
let gate: Promise<void> = Promise.resolve();

@Controller('v1/orders')
class OrdersController {
  @Post()
  @Idempotent()
  async create(
    @Body() body: { sku: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ id: number; sku: string }> {
    executions++;
    await gate;
    if (failNext) {
      failNext = false;
      throw new Error('database hiccup');
    }
    void reply.header('location', `/v1/orders/${executions}`);
    if (body.sku === 'BACKORDER') void reply.status(202);
    return { id: executions, sku: body.sku };
  }

  @Post('optional')
  @Idempotent({ required: false })
  optional(@Headers('x-client') client: string): { client: string } {
    executions++;
    return { client };
  }
}

/** The orders controller behind the toolkit's interceptors (clients told apart by `x-client`). */
async function startOrdersApp(
  options: Parameters<typeof ResilienceModule.forRoot>[0],
): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ResilienceModule.forRoot({
        faultAdmin: false,
        clientId: (req) => String(req.headers['x-client'] ?? 'anonymous'),
        ...options,
      }),
    ],
    controllers: [OrdersController],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
  app.useGlobalFilters(new ProblemFilter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('@Idempotent() over HTTP with the Postgres store', () => {
  let db: ThrowawaySchema;
  let schema: string;
  let pool: Pool;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createThrowawaySchema('idem_http', 5);
    ({ schema, pool } = db);
    await applyIdempotencyMigration(pool, { schema });
    const store = new PostgresIdempotencyStore({
      pool,
      schema,
      registry: new Registry(),
      lockTimeoutMs: 10_000,
    });
    app = await startOrdersApp({ idempotencyStore: store });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  beforeEach(() => {
    executions = 0;
    failNext = false;
    gate = Promise.resolve();
  });

  const post = (payload: unknown, key?: string, client = 'client-1', url = '/v1/orders') =>
    app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      headers: { 'x-client': client, ...(key ? { 'idempotency-key': key } : {}) },
    });

  it('when the key is missing on a required endpoint, then 400 IDEMPOTENCY.KEY_MISSING and nothing runs', async () => {
    // Act
    const response = await post({ sku: 'A' });

    // Assert
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ status: 400, code: 'IDEMPOTENCY.KEY_MISSING' });
    expect(executions).toBe(0);
  });

  it('when the same request is retried, then the first response is replayed with its status, location and a replay marker', async () => {
    // Arrange
    const key = uniqueName('replay');

    // Act
    const first = await post({ sku: 'A' }, key);
    const retry = await post({ sku: 'A' }, key);

    // Assert
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers['location']).toBe(first.headers['location']);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(executions).toBe(1);
  });

  it('when the first response had a status other than the route default, then the replay keeps that status', async () => {
    // Arrange
    const key = uniqueName('status');

    // Act
    const first = await post({ sku: 'BACKORDER' }, key);
    const retry = await post({ sku: 'BACKORDER' }, key);

    // Assert
    expect([first.statusCode, retry.statusCode]).toEqual([202, 202]);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(executions).toBe(1);
  });

  it('when a retry arrives while the first request still runs, then it gets 409 with Retry-After', async () => {
    // Arrange
    const key = uniqueName('inflight');
    let open: () => void = () => undefined;
    gate = new Promise((r) => (open = r));
    const first = post({ sku: 'A' }, key);
    for (let i = 0; i < 200 && executions === 0; i++) await new Promise((r) => setTimeout(r, 5));

    // Act
    const concurrent = await post({ sku: 'A' }, key);
    open();
    const done = await first;

    // Assert
    expect(concurrent.statusCode).toBe(409);
    expect(concurrent.headers['retry-after']).toBe('1');
    expect(concurrent.json()).toEqual({ status: 409, code: 'IDEMPOTENCY.IN_FLIGHT' });
    expect(done.statusCode).toBe(201);
    expect(executions).toBe(1);
  });

  it('when the key is reused with a different body, then 422 IDEMPOTENCY.KEY_REUSED', async () => {
    // Arrange
    const key = uniqueName('reuse');
    await post({ sku: 'A' }, key);

    // Act
    const response = await post({ sku: 'B' }, key);

    // Assert
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ status: 422, code: 'IDEMPOTENCY.KEY_REUSED' });
    expect(executions).toBe(1);
  });

  it('when the handler fails, then the key is released and the retry executes', async () => {
    // Arrange
    const key = uniqueName('fail');
    failNext = true;

    // Act
    const failed = await post({ sku: 'A' }, key);
    const retry = await post({ sku: 'A' }, key);

    // Assert
    expect(failed.statusCode).toBe(500);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(executions).toBe(2);
  });

  it('when two clients send the same key, then each client gets its own execution', async () => {
    // Arrange
    const key = uniqueName('scope');

    // Act
    const a = await post({ sku: 'A' }, key, 'client-a');
    const b = await post({ sku: 'A' }, key, 'client-b');

    // Assert
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(executions).toBe(2);
  });

  it('when the key is optional and absent, then the handler simply runs every time', async () => {
    // Act
    await post({}, undefined, 'client-1', '/v1/orders/optional');
    await post({}, undefined, 'client-1', '/v1/orders/optional');

    // Assert
    expect(executions).toBe(2);
  });

  it('when the key is longer than 255 characters, then 400 IDEMPOTENCY.KEY_INVALID', async () => {
    // Act
    const response = await post({ sku: 'A' }, 'k'.repeat(256));

    // Assert
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ status: 400, code: 'IDEMPOTENCY.KEY_INVALID' });
  });
});

describe('duplicates of a running request under load shedding', () => {
  let db: ThrowawaySchema;
  let app: NestFastifyApplication;
  let shedder: AdaptiveConcurrencyLimiter;

  beforeAll(async () => {
    db = await createThrowawaySchema('idem_shed', 5);
    await applyIdempotencyMigration(db.pool, { schema: db.schema });
    const registry = new Registry();
    shedder = new AdaptiveConcurrencyLimiter({
      name: 'test',
      algorithm: new AimdLimit({ initialLimit: 4, minLimit: 4, maxLimit: 4 }),
      registry,
    });
    app = await startOrdersApp({
      idempotencyStore: new PostgresIdempotencyStore({
        pool: db.pool,
        schema: db.schema,
        registry,
        lockTimeoutMs: 10_000,
      }),
      loadShedder: shedder,
      defaultCriticality: 'CRITICAL',
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const post = (sku: string, key: string, client = 'client-1') =>
    app.inject({
      method: 'POST',
      url: '/v1/orders',
      payload: { sku },
      headers: { 'x-client': client, 'idempotency-key': key },
    });

  it('when the limit is full, then a duplicate of a request running here gets 409 in flight (not 503) and takes no permit; other requests are shed', async () => {
    // Arrange: the route is known (door shedding on), then four requests fill the limit
    executions = 0;
    await post('WARM', uniqueName('warm'));
    let open = () => undefined as void;
    gate = new Promise((r) => (open = r));
    const key = uniqueName('dup');
    const running = [
      post('A', key),
      post('B', uniqueName('other')),
      post('C', uniqueName('other')),
      post('D', uniqueName('other')),
    ];
    // all four handlers entered (their keys taken) and wait on the gate
    for (let i = 0; i < 400 && executions < 5; i++) await new Promise((r) => setTimeout(r, 5));
    expect(shedder.inflight).toBe(4);

    // Act
    const duplicates = await Promise.all([post('A', key), post('A', key), post('A', key)]);
    const sameKeyOtherBody = await post('Z', key);
    const otherClient = await post('A', key, 'client-2');
    const fresh = await post('E', uniqueName('fresh'));
    open();
    const original = await running[0]!;
    await Promise.all(running);
    const retryAfter = await post('A', key);

    // Assert
    expect(duplicates.map((d) => d.statusCode)).toEqual([409, 409, 409]);
    expect(duplicates[0].json()).toEqual({ status: 409, code: 'IDEMPOTENCY.IN_FLIGHT' });
    expect(sameKeyOtherBody.statusCode).toBe(503);
    expect(otherClient.statusCode).toBe(503);
    expect(fresh.statusCode).toBe(503);
    expect(original.statusCode).toBe(201);
    expect(retryAfter.statusCode).toBe(201);
    expect(retryAfter.headers['idempotent-replayed']).toBe('true');
    expect(executions).toBe(5);
    expect(shedder.inflight).toBe(0);
  });
});
