/**
 * @rc/resilience/nest — the thin NestJS (Fastify) adapter over the framework-free toolkit.
 */
export { AdminTokenGuard, AdminUnauthorizedError } from './admin-token.guard';
export { RequestDeadlineExceededError, RequestDeadlineHeaderError } from './deadline-http.errors';
export { DeadlineInterceptor } from './deadline.interceptor';
export { FaultAdminController, type FaultRulesBody } from './fault-admin.controller';
export { FaultInjectionInterceptor } from './fault-injection.interceptor';
export { type HttpExchange, httpExchange, routeName } from './http-context';
export { type HttpMappedError, isHttpMappedError } from './http-mapped-error';
export { IdempotencyPurger } from './idempotency-purger';
export {
  type InboundFaultsOption,
  inboundResilience,
  type InboundRateLimitOptions,
  type InboundResilienceOptions,
  type PostgresIdempotencyOptions,
  type RedisIdempotencyOptions,
} from './inbound-resilience';
export { IDEMPOTENT_REPLAYED_HEADER, IdempotencyInterceptor } from './idempotency.interceptor';
export { LoadSheddingInterceptor } from './load-shedding.interceptor';
export { RateLimitInterceptor } from './rate-limit.interceptor';
export {
  Criticality,
  CRITICALITY_METADATA,
  IDEMPOTENT_METADATA,
  Idempotent,
  type IdempotentOptions,
  RATE_LIMIT_METADATA,
  RateLimit,
  SKIP_RESILIENCE_METADATA,
  SkipResilience,
} from './resilience.decorators';
export {
  INBOUND_INTERCEPTORS,
  ResilienceModule,
  type ResilienceModuleAsyncOptions,
} from './resilience.module';
export {
  type IdempotencyHttpOptions,
  RESILIENCE_OPTIONS,
  type ResilienceModuleOptions,
  type ResilienceModuleStaticOptions,
} from './resilience.options';
export { ResilienceRegistry } from './resilience.registry';
