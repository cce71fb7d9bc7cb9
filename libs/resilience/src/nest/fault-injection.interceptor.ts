import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, map, mergeMap, type Observable, of } from 'rxjs';
import { httpExchange, isExempt, routeName } from './http-context';
import { ResilienceRegistry } from './resilience.registry';

/**
 * Applies the injector's `route` rules to inbound requests, named `"<METHOD> <route>"`:
 * latency and CPU burn before the handler, `error` as `InjectedFaultError` (its status),
 * `abort` by destroying the connection without an answer, `corrupt` by sending a truncated
 * body. Runs inside load shedding, so injected latency is seen by the adaptive limit as real
 * latency would be; `@SkipResilience()` handlers (admin, health) are never targeted.
 */
@Injectable()
export class FaultInjectionInterceptor implements NestInterceptor {
  constructor(
    private readonly registry: ResilienceRegistry,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const injector = this.registry.faultInjector;
    const exchange = httpExchange(context);
    if (!injector?.isActive('route') || !exchange || isExempt(this.reflector, context))
      return next.handle();
    const { request, reply } = exchange;
    return from(injector.inject('route', routeName(request))).pipe(
      mergeMap((effects) => {
        if (effects.abort) {
          // Take the reply away from Fastify and Nest, then drop the connection unanswered.
          reply.hijack();
          request.raw.socket?.destroy();
          return of(undefined);
        }
        if (!effects.corrupt) return next.handle();
        return next.handle().pipe(
          map((body: unknown) => {
            void reply.header('content-type', 'application/json; charset=utf-8');
            return injector.corrupt(JSON.stringify(body ?? null));
          }),
        );
      }),
    );
  }
}
