export { installRequestLifecycle, routeOf, serverSpanOf } from './request-lifecycle';
export { RequestContextInterceptor } from './request-context.interceptor';
export { installJsonBodyParser, MalformedBodyError } from './json-body-parser';
export { clientIdOf } from './client-id';
export { installAdminListener, isAdminRoute, type AdminListener } from './admin-listener';
export { clientErrorHandler, frameworkErrors } from './framework-errors';
