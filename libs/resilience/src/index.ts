/**
 * @rc/resilience — the platform's resilience toolkit (framework-free core).
 * The NestJS adapter is the separate entry point `@rc/resilience/nest`.
 * Each line re-exports one piece's public API from its folder's index.ts.
 */
export { type Clock, FakeClock, systemClock, flushMicrotasks } from './clock';
export { ResilienceError, isResilienceError } from './resilience.errors';
export * from './metrics';
export * from './circuit-breaker';
export * from './retry';
export * from './retry-budget';
export * from './deadline';
export * from './bulkhead';
export * from './timeout';
export * from './policy';
export * from './http-client';
export * from './rate-limit';
export * from './load-shedding';
export * from './idempotency';
export * from './fault-injection';
export * from './tracing';
export * from './cache';
