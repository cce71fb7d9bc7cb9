export { installRequestLifecycle, routeOf, serverSpanOf } from './request-lifecycle';
export { RequestContextInterceptor } from './request-context.interceptor';
export { installJsonBodyParser, MalformedBodyError } from './json-body-parser';
export { CLIENT_ID_HEADER, clientIdOf } from './client-id';
