import { AppError } from '@rc/platform';
import type { Upstream, UpstreamRequest, UpstreamResponse } from '../domain/upstream.port';

/** A service did not answer (refused, reset, timed out): 503 with which one. */
export class UpstreamUnavailableError extends AppError {
  readonly code = 'CONSOLE.UPSTREAM_UNAVAILABLE';
  readonly httpStatus = 503;
  constructor(service: string, cause: unknown) {
    super(`The ${service} service did not answer.`, {
      cause,
      meta: { service },
      retryAfterMs: 1_000,
    });
  }
}

/**
 * The {@link Upstream} port over fetch: calls one service with a timeout and returns its answer
 * as is (any status); only "no answer" throws, as {@link UpstreamUnavailableError}.
 */
export class FetchUpstream implements Upstream {
  async call(service: string, url: string, request: UpstreamRequest): Promise<UpstreamResponse> {
    try {
      const res = await fetch(url, {
        method: request.method ?? 'GET',
        headers: {
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(request.timeoutMs),
      });
      return { status: res.status, headers: res.headers, text: await res.text() };
    } catch (e) {
      throw new UpstreamUnavailableError(service, e);
    }
  }
}
