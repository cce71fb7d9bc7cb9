import { AppError } from '@rc/platform';

/** A service's answer, whatever its status. */
export interface UpstreamResponse {
  status: number;
  headers: Headers;
  text: string;
}

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
 * Calls one service with a timeout and returns its answer as is (any status); only "no answer"
 * throws, as {@link UpstreamUnavailableError}.
 */
export async function callUpstream(
  service: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs: number },
): Promise<UpstreamResponse> {
  try {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (e) {
    throw new UpstreamUnavailableError(service, e);
  }
}

/** The JSON body of an answer, or undefined when it is not JSON. */
export function jsonOf(res: UpstreamResponse): unknown {
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    return undefined;
  }
}
