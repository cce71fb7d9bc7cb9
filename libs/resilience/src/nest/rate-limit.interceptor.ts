import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, mergeMap, type Observable } from 'rxjs';
import type { Criticality } from '../load-shedding';
import { RateLimitedError, RateLimiterUnavailableError, rateLimitHeaders } from '../rate-limit';
import { recordShed } from '../tracing/resilience-events';
import { handlerMetadata, httpExchange, isExempt, routeName, setHeaders } from './http-context';
import { CRITICALITY_METADATA, RATE_LIMIT_METADATA } from './resilience.decorators';
import { ResilienceRegistry } from './resilience.registry';

/**
 * Per-client rate limiting: consumes a token of the route's policy (`@RateLimit(name)`, else
 * the policy named `"<METHOD> <route>"`), sets the IETF `RateLimit` / `RateLimit-Policy`
 * headers on every response, and refuses with `RateLimitedError` (429 + `Retry-After`), or
 * `RateLimiterUnavailableError` (503) on a fail-closed route while Redis is down.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly registry: ResilienceRegistry,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const limiter = this.registry.rateLimiter;
    const exchange = httpExchange(context);
    if (!limiter || !exchange || isExempt(this.reflector, context)) return next.handle();
    const route =
      handlerMetadata<string>(this.reflector, context, RATE_LIMIT_METADATA) ??
      routeName(exchange.request);
    if (!limiter.hasRoute(route)) return next.handle();
    const client = this.registry.clientIdOf(exchange.request);
    return from(limiter.consume(route, client)).pipe(
      mergeMap((decision) => {
        setHeaders(exchange.reply, rateLimitHeaders(decision));
        if (decision.allowed) return next.handle();
        const unavailable = decision.source === 'fail-closed';
        recordShed(
          unavailable ? 'rate_limiter_unavailable' : 'rate_limited',
          handlerMetadata<Criticality>(this.reflector, context, CRITICALITY_METADATA) ??
            this.registry.defaultCriticality,
          { route },
        );
        throw unavailable
          ? new RateLimiterUnavailableError(decision)
          : new RateLimitedError(decision);
      }),
    );
  }
}
