export type {
  HttpAttemptResult,
  HttpMethod,
  HttpRequestOptions,
  HttpResponse,
  QueryParams,
} from './http-client.types';
export {
  HttpDependencyError,
  type HttpCallSite,
  type HttpFailureKind,
  type ProblemDetails,
} from './http-dependency.error';
export {
  DO_NOT_RETRY_HEADER,
  DO_NOT_RETRY_VALUE,
  IDEMPOTENCY_KEY_HEADER,
  ResilientHttpClient,
  type ResilientHttpClientOptions,
} from './resilient-http-client';
export { createKeepAliveFetch, type KeepAliveFetchOptions } from './keep-alive-fetch';
