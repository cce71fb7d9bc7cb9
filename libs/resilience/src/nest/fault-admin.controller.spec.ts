import 'reflect-metadata';
import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  Get,
  HttpException,
} from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { FastifyReply } from 'fastify';
import { request as httpRequest } from 'node:http';
import { Registry } from 'prom-client';
import { FakeClock, flushMicrotasks } from '../clock';
import { FaultInjector } from '../fault-injection';
import { isHttpMappedError } from './http-mapped-error';
import { ResilienceModule } from './resilience.module';

/** Maps errors the way docs/inbound.md tells the platform's problem+json filter to. */
@Catch()
class ProblemFilter implements ExceptionFilter {
  catch(e: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (isHttpMappedError(e)) {
      void reply.status(e.httpStatus).headers(e.headers).type('application/problem+json');
      void reply.send({ status: e.httpStatus, code: e.code, detail: e.message });
    } else if (e instanceof HttpException) {
      void reply.status(e.getStatus()).send(e.getResponse());
    } else {
      void reply.status(500).send({ code: 'INTERNAL' });
    }
  }
}

@Controller('shop')
class ShopController {
  @Get('items')
  items(): { items: string[] } {
    return { items: ['a', 'b', 'c'] };
  }
}

const TOKEN = 's3cr3t-admin-token-for-tests';
const rule = (fault: unknown, over: Record<string, unknown> = {}) => ({
  id: 'r1',
  target: 'route',
  name: '*',
  probability: 1,
  enabled: true,
  fault,
  ...over,
});

describe('Fault admin API and inbound fault injection (Fastify)', () => {
  let app: NestFastifyApplication;
  let injector: FaultInjector;
  let clock: FakeClock;

  async function start(token: string | undefined = TOKEN) {
    clock = new FakeClock();
    injector = new FaultInjector({ clock, registry: new Registry() });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ResilienceModule.forRoot({ faultInjector: injector, faultAdminToken: token, clock }),
      ],
      controllers: [ShopController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    app.useGlobalFilters(new ProblemFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  }

  afterEach(async () => {
    await app?.close();
  });

  const admin = (method: 'GET' | 'PUT' | 'DELETE', payload?: unknown, auth = `Bearer ${TOKEN}`) =>
    app.inject({
      method,
      url: '/admin/faults',
      headers: { authorization: auth },
      ...(payload ? { payload } : {}),
    });

  it('when the admin API is called without the right bearer token, then it answers 401 problem+json and changes nothing', async () => {
    // Arrange
    await start();

    // Act
    const missing = await app.inject({ method: 'GET', url: '/admin/faults' });
    const wrong = await admin(
      'PUT',
      { rules: [rule({ kind: 'abort' })] },
      'Bearer s3cr3t-admin-token-for-testX',
    );
    const prefix = await admin('GET', undefined, 'Bearer s3cr3t');
    const basic = await admin('GET', undefined, `Basic ${TOKEN}`);

    // Assert
    for (const response of [missing, wrong, prefix, basic]) {
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.headers['www-authenticate']).toBe('Bearer realm="resilience-admin"');
      expect(response.json()).toMatchObject({ code: 'RESILIENCE.ADMIN_UNAUTHORIZED' });
      expect(response.body).not.toContain('s3cr3t');
    }
    expect(injector.getRules()).toEqual([]);
  });

  it('when no admin token is configured, then nobody can use the admin API', async () => {
    // Arrange
    await start(undefined);

    // Act
    const response = await admin('GET', undefined, 'Bearer ');

    // Assert
    expect(response.statusCode).toBe(401);
  });

  it('when rules are put, read and deleted with the token, then faults switch on and off at runtime', async () => {
    // Arrange
    await start();
    const rules = [rule({ kind: 'error', status: 503 }, { name: 'GET /shop/*' })];

    // Act
    const before = await app.inject({ method: 'GET', url: '/shop/items' });
    const put = await admin('PUT', { rules });
    const read = await admin('GET', undefined, `bearer ${TOKEN}`);
    const during = await app.inject({ method: 'GET', url: '/shop/items' });
    const deleted = await admin('DELETE');
    const after = await app.inject({ method: 'GET', url: '/shop/items' });

    // Assert
    expect(before.statusCode).toBe(200);
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ rules });
    expect(read.json()).toEqual({ rules });
    expect(during.statusCode).toBe(503);
    expect(during.json()).toMatchObject({ code: 'FAULT_INJECTION.ERROR' });
    expect(deleted.statusCode).toBe(204);
    expect(after.statusCode).toBe(200);
  });

  it('when invalid rules are put, then 400 lists the problems and the old rules stay', async () => {
    // Arrange
    await start();
    await admin('PUT', { rules: [rule({ kind: 'corrupt' })] });

    // Act
    const response = await admin('PUT', { rules: [rule({ kind: 'latency' }, { probability: 7 })] });

    // Assert
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'FAULT_INJECTION.INVALID_RULES' });
    expect(response.json().detail).toContain('0.probability');
    expect(injector.getRules()).toHaveLength(1);
  });

  it('when a catch-all rule is active, then the admin API itself is never faulted', async () => {
    // Arrange
    await start();
    await admin('PUT', { rules: [rule({ kind: 'error', status: 500 })] });

    // Act
    const response = await admin('GET');

    // Assert
    expect(response.statusCode).toBe(200);
  });

  it('when a corrupt rule fires on a route, then the client receives a body that is not valid JSON', async () => {
    // Arrange
    await start();
    injector.setRules([rule({ kind: 'corrupt' })]);

    // Act
    const response = await app.inject({ method: 'GET', url: '/shop/items' });

    // Assert
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(() => JSON.parse(response.body) as unknown).toThrow();
  });

  it('when a latency rule fires on a route, then the response waits for it', async () => {
    // Arrange
    await start();
    injector.setRules([rule({ kind: 'latency', ms: 2000 })]);
    let done = false;

    // Act
    const pending = app
      .inject({ method: 'GET', url: '/shop/items' })
      .then((r) => ((done = true), r));
    for (let i = 0; i < 100 && clock.pendingSleeps === 0; i++)
      await new Promise((r) => setImmediate(r));
    await clock.advance(1999);
    await flushMicrotasks();
    const doneEarly = done;
    await clock.advance(1);

    // Assert
    expect(doneEarly).toBe(false);
    expect((await pending).statusCode).toBe(200);
  });

  it('when an abort rule fires on a route, then the connection is dropped without an answer', async () => {
    // Arrange: a real socket, since dropping it is the point
    await start();
    injector.setRules([rule({ kind: 'abort' })]);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };

    // Act
    const outcome = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/shop/items' }, (res) =>
        resolve(`status ${res.statusCode}`),
      );
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      req.end();
    });

    // Assert
    expect(outcome).toBe('ECONNRESET');
  });
});
