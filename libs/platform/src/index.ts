/**
 * @rc/platform — what every service of the platform shares at start-up and at its edge
 * (the "service defaults"): validated config, JSON logs, request context, health, metrics,
 * problem+json errors, validation, tracing, graceful shutdown, connection factories and SQL
 * migrations. See README.md.
 */
// First: loads @nestjs/common before anything else does (see the module).
import './bootstrap/nest-common-preload';
export * from './auth';
export * from './bootstrap';
export * from './config';
export * from './connections';
export {
  currentRequestContext,
  runWithRequestContext,
  requestIdFrom,
  type RequestContext,
} from './context/request-context';
export * from './database';
export * from './errors';
export * from './health';
export * from './http';
export * from './lifecycle';
export * from './logging';
export * from './metrics';
export * from './openapi';
export * from './telemetry';
export * from './validation';
