/**
 * @rc/resilience — the platform's resilience toolkit (framework-free core).
 * The NestJS adapter is the separate entry point `@rc/resilience/nest`.
 * Each line re-exports one piece's public API from its folder's index.ts.
 */
export { type Clock, FakeClock, systemClock, flushMicrotasks } from './clock';
export { ResilienceError, isResilienceError } from './resilience.errors';
export * from './metrics';
export * from './rate-limit';
export * from './load-shedding';
export * from './idempotency';
