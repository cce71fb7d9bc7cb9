import 'reflect-metadata';
import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  Body,
  Get,
  HttpException,
  type INestApplication,
  Post,
} from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { FastifyReply } from 'fastify';
import { Registry } from 'prom-client';
import { installInMemoryTracing } from '@rc/testing';
import { FakeClock } from '../clock';
import { DeadlineExceededError, remainingMs } from '../deadline';
import { AdaptiveConcurrencyLimiter, AimdLimit } from '../load-shedding';
import { RateLimiter, type RedisScriptClient } from '../rate-limit';
import { isHttpMappedError } from './http-mapped-error';
import { Criticality, RateLimit, SkipResilience } from './resilience.decorators';
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
      void reply.status(500).send({ code: 'INTERNAL', detail: String(e) });
    }
  }
}

/** Redis that is gone: every decision falls back to the route's local bucket. */
const redisDown: RedisScriptClient = {
  status: 'end',
  evalsha: () => Promise.reject(new Error('down')),
  eval: () => Promise.reject(new Error('down')),
};

const clock = new FakeClock();
/** Slow requests wait on this gate until the test opens it. */
function openableGate() {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, resolve: () => open() };
}
let gate = openableGate();
const release = () => gate.resolve();
let handlerCalls = 0;

@Controller('t')
class TestController {
  @Get('slow')
  async slow(): Promise<{ ok: true }> {
    await gate.promise;
    return { ok: true };
  }

  @Get('default')
  plain(): { ok: true } {
    handlerCalls++;
    return { ok: true };
  }

  @Get('critical')
  @Criticality('CRITICAL')
  critical(): { ok: true } {
    return { ok: true };
  }

  @Get('sheddable')
  @Criticality('SHEDDABLE')
  sheddable(): { ok: true } {
    return { ok: true };
  }

  @Post('order')
  @Criticality('SHEDDABLE')
  order(@Body() body: unknown): { received: unknown } {
    handlerCalls++;
    return { received: body };
  }

  @Get('named')
  @RateLimit('shared')
  named(): { ok: true } {
    return { ok: true };
  }

  @Get('health')
  @SkipResilience()
  health(): { ok: true } {
    return { ok: true };
  }

  @Get('budget')
  budget(): { remaining: number | undefined } {
    return { remaining: remainingMs(clock) };
  }

  @Get('limited-budget')
  @RateLimit('budgeted')
  limitedBudget(): { remaining: number | undefined } {
    return { remaining: remainingMs(clock) };
  }

  @Get('out-of-time')
  outOfTime(): never {
    throw new DeadlineExceededError(-3, true, { dependency: 'payment' });
  }
}

describe('ResilienceModule inbound interceptors (Fastify)', () => {
  let app: NestFastifyApplication;
  let registry: Registry;
  let shedder: AdaptiveConcurrencyLimiter;

  beforeEach(async () => {
    registry = new Registry();
    handlerCalls = 0;
    gate = openableGate();
    shedder = new AdaptiveConcurrencyLimiter({
      name: 'test',
      algorithm: new AimdLimit({ initialLimit: 4, minLimit: 4, maxLimit: 4 }),
      clock,
      registry,
    });
    const rateLimiter = new RateLimiter({
      redis: redisDown,
      routes: {
        'GET /t/default': { limit: 2, windowMs: 10_000, fallback: 'local' },
        shared: { limit: 1, windowMs: 1000, fallback: 'local' },
        budgeted: { limit: 100, windowMs: 1000, fallback: 'local' },
        'GET /t/health': { limit: 1, windowMs: 1000, fallback: 'local' },
      },
      clock,
      registry,
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ResilienceModule.forRoot({
          rateLimiter,
          loadShedder: shedder,
          clock,
          faultAdmin: false,
          clientId: (req) => String(req.headers['x-client'] ?? 'anonymous'),
        }),
      ],
      controllers: [TestController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    app.useGlobalFilters(new ProblemFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterEach(async () => {
    release();
    await (app as INestApplication | undefined)?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers });

  it('when a client exceeds its route quota, then it gets 429 problem+json with Retry-After and RateLimit headers', async () => {
    // Act
    const first = await get('/t/default', { 'x-client': 'a' });
    await get('/t/default', { 'x-client': 'a' });
    const refused = await get('/t/default', { 'x-client': 'a' });
    const otherClient = await get('/t/default', { 'x-client': 'b' });

    // Assert
    expect(first.statusCode).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"GET /t/default";q=2;w=10');
    expect(first.headers['ratelimit']).toBe('"GET /t/default";r=1;t=5');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.headers['ratelimit']).toBe('"GET /t/default";r=0;t=10');
    expect(refused.json()).toMatchObject({ status: 429, code: 'RESILIENCE.RATE_LIMITED' });
    expect(otherClient.statusCode).toBe(200);
    expect(handlerCalls).toBe(3);
  });

  it('when a handler names its policy, then that policy applies; exempt routes are never limited', async () => {
    // Act
    const named = [await get('/t/named'), await get('/t/named')].map((r) => r.statusCode);
    const health = [await get('/t/health'), await get('/t/health')].map((r) => r.statusCode);

    // Assert
    expect(named).toEqual([200, 429]);
    expect(health).toEqual([200, 200]);
  });

  it('when the service is saturated, then SHEDDABLE and DEGRADED requests get 503 at once and CRITICAL still runs', async () => {
    // Arrange: limit 4 -> critical 4, degraded 3, sheddable 2; three slow requests hold permits
    const slow = [get('/t/slow'), get('/t/slow'), get('/t/slow')];
    await waitFor(() => shedder.inflight === 3);

    // Act
    const sheddable = await get('/t/sheddable');
    const degraded = await get('/t/default');
    const critical = await get('/t/critical');

    // Assert
    expect(sheddable.statusCode).toBe(503);
    expect(sheddable.headers['retry-after']).toBe('1');
    expect(sheddable.headers['x-retry']).toBe('no');
    expect(sheddable.json()).toMatchObject({ code: 'RESILIENCE.LOAD_SHED' });
    expect(degraded.statusCode).toBe(503);
    expect(critical.statusCode).toBe(200);
    expect(handlerCalls).toBe(0);
    release();
    await Promise.all(slow);
  });

  it('when a request is shed, then it consumed no rate-limit token (shedding runs first)', async () => {
    // Arrange
    const slow = [get('/t/slow'), get('/t/slow'), get('/t/slow')];
    await waitFor(() => shedder.inflight === 3);

    // Act
    const shed = await get('/t/default', { 'x-client': 'c' });
    release();
    await Promise.all(slow);
    const afterwards = await get('/t/default', { 'x-client': 'c' });

    // Assert
    expect(shed.statusCode).toBe(503);
    expect(afterwards.headers['ratelimit']).toBe('"GET /t/default";r=1;t=5');
  });

  it("when a route's criticality is known and the service is saturated, then its requests are shed at the door, before their body is read", async () => {
    // Arrange: the route's first request teaches its criticality; then three slow requests
    // fill the SHEDDABLE share (2 of 4)
    const post = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/t/order',
        headers: { 'content-type': 'application/json' },
        payload,
      });
    expect((await post('{"sku":"A"}')).statusCode).toBe(201);
    const slow = [get('/t/slow'), get('/t/slow'), get('/t/slow')];
    await waitFor(() => shedder.inflight === 3);

    // Act: a body that would be refused with 400 if it were parsed
    const shed = await post('{"sku": ');
    release();
    await Promise.all(slow);

    // Assert
    expect(shed.statusCode).toBe(503);
    expect(shed.json()).toMatchObject({ code: 'RESILIENCE.LOAD_SHED' });
    expect(shed.headers['x-retry']).toBe('no');
    expect(handlerCalls).toBe(1);
    expect(shedder.inflight).toBe(0);
  });

  it('when a request admitted at the door never reaches its handler (malformed body, spent budget), then its permit is released', async () => {
    // Arrange
    await app.inject({ method: 'POST', url: '/t/order', payload: { sku: 'A' } });
    await get('/t/default');

    // Act
    const malformed = await app.inject({
      method: 'POST',
      url: '/t/order',
      headers: { 'content-type': 'application/json' },
      payload: '{"sku": ',
    });
    const spent = await get('/t/default', { 'x-request-timeout-ms': '0' });

    // Assert
    expect(malformed.statusCode).toBe(400);
    expect(spent.statusCode).toBe(504);
    expect(shedder.inflight).toBe(0);
  });

  it('when requests finish, then their permits are released', async () => {
    // Act
    await Promise.all([get('/t/critical'), get('/t/default'), get('/t/sheddable')]);

    // Assert
    expect(shedder.inflight).toBe(0);
  });

  it('when the caller sends a remaining budget, then the handler sees it as the request deadline', async () => {
    // Act
    const response = await get('/t/budget', { 'x-request-timeout-ms': '1500' });
    const none = await get('/t/budget');

    // Assert
    expect(response.json()).toEqual({ remaining: 1500 });
    expect(none.json()).toEqual({});
  });

  it('when the caller sends a remaining budget, then the budget this hop got is on its span', async () => {
    const tracing = installInMemoryTracing();
    try {
      const run = await tracing.inSpan('server', () =>
        get('/t/budget', { 'x-request-timeout-ms': '1500' }),
      );

      expect(run.span.attributes['resilience.deadline.remaining_ms']).toBe(1500);
    } finally {
      tracing.uninstall();
    }
  });

  it('when an asynchronous interceptor (rate limit) runs before the handler, then the handler still sees the deadline', async () => {
    const response = await get('/t/limited-budget', { 'x-request-timeout-ms': '1200' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ remaining: 1200 });
  });

  it('when the budget is already spent on arrival, then 504 comes back without running the handler', async () => {
    // Act
    const response = await get('/t/default', { 'x-request-timeout-ms': '0' });

    // Assert
    expect(response.statusCode).toBe(504);
    expect(response.json()).toMatchObject({ code: 'RESILIENCE.DEADLINE_EXCEEDED' });
    expect(handlerCalls).toBe(0);
  });

  it('when the deadline header is malformed, then 400 comes back', async () => {
    // Act
    const response = await get('/t/default', { 'x-request-timeout-ms': 'soon' });

    // Assert
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'RESILIENCE.INVALID_DEADLINE_HEADER' });
  });

  it('when the handler runs out of time calling a dependency, then the answer is 504', async () => {
    // Act
    const response = await get('/t/out-of-time', { 'x-request-timeout-ms': '100' });

    // Assert
    expect(response.statusCode).toBe(504);
    expect(response.json()).toMatchObject({ code: 'RESILIENCE.DEADLINE_EXCEEDED' });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setImmediate(r));
  if (!condition()) throw new Error('condition not reached');
}
