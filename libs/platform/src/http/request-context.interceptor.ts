import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { runWithRequestContext } from '../context/request-context';
import { serverSpanOf } from './request-lifecycle';

/**
 * Runs each HTTP handler inside its request context (request id for logs and outbound calls)
 * and with its server span active, so every log line, outbound call and child span the handler
 * makes belongs to the request's trace.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const request = ctx.switchToHttp().getRequest<FastifyRequest>();
    const span = serverSpanOf(request);
    const otelContext = span ? trace.setSpan(context.active(), span) : context.active();
    return new Observable((subscriber) =>
      runWithRequestContext({ requestId: request.id }, () =>
        context.with(otelContext, () => next.handle().subscribe(subscriber)),
      ),
    );
  }
}
