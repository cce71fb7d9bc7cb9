import { context, propagation } from '@opentelemetry/api';
import { systemClock, type Clock } from '../clock';
import { setOutboundDeadlineHeader } from '../deadline/deadline-headers';
import type { AttemptContext } from '../policy/attempt-context';
import type { ResiliencePolicy } from '../policy/resilience-policy';
import { parseRetryAfter } from '../retry/retry-after';
import { recordClientError, recordResponseStatus, startClientSpan } from './client-span';
import { HttpDependencyError, type HttpCallSite } from './http-dependency.error';
import type {
  HttpMethod,
  HttpRequestOptions,
  HttpResponse,
  QueryParams,
} from './http-client.types';
import { decodeBody, toProblem } from './response-body';

/** Response header by which an overloaded server asks its callers not to retry. */
export const DO_NOT_RETRY_HEADER = 'x-retry';
/** Value of {@link DO_NOT_RETRY_HEADER} that forbids retries. */
export const DO_NOT_RETRY_VALUE = 'no';
/** Request header carrying the idempotency key (IETF draft-ietf-httpapi-idempotency-key-header). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** Construction options of {@link ResilientHttpClient}. */
export interface ResilientHttpClientOptions {
  /** e.g. `http://payment:3000`; request paths are appended to it. */
  baseUrl: string;
  /** The dependency's named policy; its name is the dependency name in errors and metrics. */
  policy: ResiliencePolicy;
  clock?: Clock;
  /** Defaults to the global `fetch` (undici). */
  fetch?: typeof fetch;
  /** Headers sent with every request (e.g. `user-agent`). */
  headers?: Readonly<Record<string, string>>;
}

type Options = Omit<HttpRequestOptions<unknown>, 'method' | 'path' | 'body'>;

/** One request as every attempt sends it (an attempt adds its deadline and trace headers). */
interface PreparedRequest<T> {
  readonly url: string;
  readonly method: HttpMethod;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly site: HttpCallSite;
  readonly options: HttpRequestOptions<T>;
}

/**
 * JSON-over-HTTP client for one dependency, every call run through the dependency's
 * {@link ResiliencePolicy}. Each attempt is a CLIENT span (`<METHOD> <urlTemplate>`, with the
 * status code; a no-op without an OpenTelemetry SDK) and sends the budget left
 * (`x-request-timeout-ms`, the smaller of attempt timeout and request deadline), that span's W3C
 * trace context (`traceparent`) and the `Idempotency-Key`. It classifies
 * responses for the policy — 5xx count against the breaker, 408/429/502/503/504 are retried
 * (after `Retry-After` if sent), 4xx are neither, `x-retry: no` stops retries — and returns a
 * typed 2xx or throws {@link HttpDependencyError}.
 *
 * Build one client per dependency and share it by every call. A caller that must know what each
 * attempt did (e.g. whether any could have been applied) passes per-request observers,
 * `onAttempt` and `onAttemptResult` ({@link HttpRequestOptions}), instead of its own transport.
 */
export class ResilientHttpClient {
  private readonly baseUrl: string;
  private readonly clock: Clock;
  private readonly fetchFn: typeof fetch;
  private readonly defaultHeaders: Readonly<Record<string, string>>;

  constructor(private readonly options: ResilientHttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.fetchFn = options.fetch ?? fetch;
    this.defaultHeaders = options.headers ?? {};
  }

  /** Dependency name (the policy's name). */
  get dependency(): string {
    return this.options.policy.name;
  }

  /** Sends one request through the policy. */
  request<T>(req: HttpRequestOptions<T>): Promise<HttpResponse<T>> {
    const method = req.method ?? 'GET';
    const site: HttpCallSite = { dependency: this.dependency, method, path: req.path };
    const url = this.baseUrl + req.path + queryString(req.query);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.defaultHeaders,
      ...req.headers,
    };
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (req.idempotencyKey) headers[IDEMPOTENCY_KEY_HEADER] = req.idempotencyKey;
    const prepared: PreparedRequest<T> = { url, method, headers, body, site, options: req };
    return this.options.policy.execute((attempt) => this.send(attempt, prepared), {
      method,
      idempotencyKey: req.idempotencyKey,
      idempotent: req.idempotent,
      signal: req.signal,
      deadlineAt: req.deadlineAt,
    });
  }

  /** GET `path`. */
  get<T>(
    path: string,
    options: Options & { parse?: (body: unknown) => T } = {},
  ): Promise<HttpResponse<T>> {
    return this.request<T>({ ...options, method: 'GET', path });
  }

  /** POST a JSON `body` to `path` (retried only with an idempotency key). */
  post<T>(
    path: string,
    body: unknown,
    options: Options & { parse?: (b: unknown) => T } = {},
  ): Promise<HttpResponse<T>> {
    return this.request<T>({ ...options, method: 'POST', path, body });
  }

  /** PUT a JSON `body` to `path`. */
  put<T>(
    path: string,
    body: unknown,
    options: Options & { parse?: (b: unknown) => T } = {},
  ): Promise<HttpResponse<T>> {
    return this.request<T>({ ...options, method: 'PUT', path, body });
  }

  /** PATCH `path` with a JSON `body` (retried only with an idempotency key). */
  patch<T>(
    path: string,
    body: unknown,
    options: Options & { parse?: (b: unknown) => T } = {},
  ): Promise<HttpResponse<T>> {
    return this.request<T>({ ...options, method: 'PATCH', path, body });
  }

  /** DELETE `path`. */
  delete<T>(
    path: string,
    options: Options & { parse?: (body: unknown) => T } = {},
  ): Promise<HttpResponse<T>> {
    return this.request<T>({ ...options, method: 'DELETE', path });
  }

  /** One attempt, as a CLIENT span. */
  private async send<T>(
    attempt: AttemptContext,
    req: PreparedRequest<T>,
  ): Promise<HttpResponse<T>> {
    const { span, context: spanContext } = startClientSpan({
      dependency: req.site.dependency,
      method: req.method,
      url: new URL(req.url),
      urlTemplate: req.options.urlTemplate,
      attempt: attempt.attempt,
    });
    const headers = setOutboundDeadlineHeader({ ...req.headers }, attempt.deadlineAt, this.clock);
    // Each attempt carries its own span as parent: the dependency's server span hangs off the
    // attempt that reached it, so a retried call shows which attempt did what.
    propagation.inject(spanContext, headers);
    try {
      const response = await context.with(spanContext, () => this.exchange(attempt, req, headers));
      recordResponseStatus(span, response.status);
      return response;
    } catch (error) {
      recordClientError(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** Sends the attempt and classifies the answer. */
  private async exchange<T>(
    attempt: AttemptContext,
    { url, method, body, site, options: req }: PreparedRequest<T>,
    headers: Record<string, string>,
  ): Promise<HttpResponse<T>> {
    let response: Response;
    let text: string;
    req.onAttempt?.(attempt.attempt);
    try {
      response = await this.fetchFn(url, { method, headers, body, signal: attempt.signal });
    } catch (error) {
      req.onAttemptResult?.({ attempt: attempt.attempt, error });
      throw transportError(attempt, site, error);
    }
    req.onAttemptResult?.({ attempt: attempt.attempt, response });
    try {
      text = await response.text();
    } catch (error) {
      throw transportError(attempt, site, error);
    }
    const contentType = response.headers.get('content-type');
    if (!response.ok) {
      throw HttpDependencyError.fromResponse(site, response.status, {
        problem: toProblem(text, contentType),
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.clock.now()),
        doNotRetry:
          response.headers.get(DO_NOT_RETRY_HEADER)?.trim().toLowerCase() === DO_NOT_RETRY_VALUE,
      });
    }
    try {
      const decoded = decodeBody(text, contentType);
      const value = req.parse ? req.parse(decoded) : (decoded as T);
      return {
        status: response.status,
        headers: response.headers,
        body: value,
        attempt: attempt.attempt,
      };
    } catch (error) {
      throw HttpDependencyError.badResponse(site, response.status, error);
    }
  }
}

/** A transport failure as the policy sees it. */
function transportError(attempt: AttemptContext, site: HttpCallSite, error: unknown): unknown {
  // Timeout or cancellation: the policy already settled with the signal's reason.
  if (attempt.signal.aborted) return attempt.signal.reason;
  return HttpDependencyError.unreachable(site, error);
}

function queryString(query: QueryParams | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined) params.append(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
