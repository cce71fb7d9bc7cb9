import 'reflect-metadata';
import {
  type ArgumentsHost,
  type CallHandler,
  Catch,
  Controller,
  type ExceptionFilter,
  type ExecutionContext,
  Get,
  Injectable,
  Module,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { context, trace } from '@opentelemetry/api';
import { Registry } from 'prom-client';
import type { FastifyReply } from 'fastify';
import { Observable } from 'rxjs';
import { useInMemoryTracing } from '../../test/support/in-memory-tracing';
import { FakeClock } from '../clock';
import { RateLimiter, type RedisScriptClient } from '../rate-limit';
import { RESILIENCE_EVENTS } from '../tracing/resilience-events';
import { isHttpMappedError } from './http-mapped-error';
import { Criticality, RateLimit } from './resilience.decorators';
import { ResilienceModule } from './resilience.module';

/**
 * Stand-in for the platform's server span: each request runs with a span `request` active. Like
 * the platform, it is an `APP_INTERCEPTOR` of a module imported before ResilienceModule, so it
 * runs outside (before) the adapter's interceptors.
 */
@Injectable()
class ServerSpanInterceptor implements NestInterceptor {
  intercept(_ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const span = trace.getTracer('test').startSpan('request');
    return new Observable((subscriber) =>
      context.with(trace.setSpan(context.active(), span), () =>
        next.handle().subscribe({
          next: (v) => subscriber.next(v),
          error: (e: unknown) => {
            span.end();
            subscriber.error(e);
          },
          complete: () => {
            span.end();
            subscriber.complete();
          },
        }),
      ),
    );
  }
}

/** Answers a toolkit refusal with its status (the platform's problem+json filter does more). */
@Catch()
class StatusFilter implements ExceptionFilter {
  catch(e: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(isHttpMappedError(e) ? e.httpStatus : 500).send({});
  }
}

@Module({ providers: [{ provide: APP_INTERCEPTOR, useClass: ServerSpanInterceptor }] })
class ServerSpanModule {}

const redisDown: RedisScriptClient = {
  status: 'end',
  evalsha: () => Promise.reject(new Error('down')),
  eval: () => Promise.reject(new Error('down')),
};

@Controller('t')
class LimitedController {
  @Get('quota')
  @Criticality('CRITICAL')
  @RateLimit('quota')
  quota(): { ok: true } {
    return { ok: true };
  }

  @Get('closed')
  @RateLimit('closed')
  closed(): { ok: true } {
    return { ok: true };
  }
}

describe('rate-limit refusals in traces', () => {
  const tracing = useInMemoryTracing();
  let app: NestFastifyApplication;

  beforeEach(async () => {
    const clock = new FakeClock();
    const rateLimiter = new RateLimiter({
      redis: redisDown,
      routes: {
        quota: { limit: 1, windowMs: 10_000, fallback: 'local' },
        closed: { limit: 10, windowMs: 1_000, fallback: 'fail-closed' },
      },
      clock,
      registry: new Registry(),
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ServerSpanModule,
        ResilienceModule.forRoot({ rateLimiter, clock, faultAdmin: false }),
      ],
      controllers: [LimitedController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    app.useGlobalFilters(new StatusFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterEach(() => app.close());

  const shedEvents = () =>
    tracing.exporter
      .getFinishedSpans()
      .flatMap((s) => s.events)
      .filter((e) => e.name === RESILIENCE_EVENTS.shed)
      .map((e) => e.attributes);

  it('when a client runs out of tokens, then the refused request span records rate_limited with its criticality', async () => {
    // Act
    const allowed = await app.inject({ method: 'GET', url: '/t/quota' });
    const refused = await app.inject({ method: 'GET', url: '/t/quota' });

    // Assert
    expect([allowed.statusCode, refused.statusCode]).toEqual([200, 429]);
    expect(shedEvents()).toEqual([
      {
        'resilience.reason': 'rate_limited',
        'resilience.criticality': 'CRITICAL',
        'resilience.route': 'quota',
      },
    ]);
  });

  it('when a fail-closed route cannot reach its store, then the span records rate_limiter_unavailable at the default criticality', async () => {
    // Act
    const refused = await app.inject({ method: 'GET', url: '/t/closed' });

    // Assert
    expect(refused.statusCode).toBe(503);
    expect(shedEvents()).toEqual([
      {
        'resilience.reason': 'rate_limiter_unavailable',
        'resilience.criticality': 'DEGRADED',
        'resilience.route': 'closed',
      },
    ]);
  });
});
