import {
  DO_NOT_RETRY_HEADER,
  NOT_SENT_NETWORK_CODES,
  ResilientHttpClient,
  type HttpRequestOptions,
  type HttpResponse,
  type ResiliencePolicy,
} from '@rc/resilience';

/** Where and how to reach one dependency. */
export interface DependencyEndpoint {
  /** e.g. `http://127.0.0.1:3003`. */
  readonly baseUrl: string;
  /** The dependency's named policy (timeouts, retries, breaker, bulkhead). */
  readonly policy: ResiliencePolicy;
  /** Transport; defaults to the global fetch (wrapped with fault injection in the service). */
  readonly fetch?: typeof fetch;
  /** Headers on every request (checkout identifies itself with `x-client-id`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * What one attempt may have done at the dependency:
 * - `not_sent`: the connection was never made (refused, DNS) — nothing can have happened;
 * - `refused`: the dependency turned the request away before running it (429, or 503 with
 *   `x-retry: no` from its load shedder);
 * - `maybe`: anything else (an answer, a timeout, a reset): the request may have been applied.
 */
export type AttemptEffect = 'not_sent' | 'refused' | 'maybe';

/** Result of {@link callDependency}. */
export type DependencyCallResult<T> =
  | { readonly ok: true; readonly response: HttpResponse<T> }
  | {
      readonly ok: false;
      readonly error: unknown;
      /** False only when no attempt can have been applied (all never sent or refused). */
      readonly maybeApplied: boolean;
    };

/**
 * One request through the dependency's policy, remembering what each attempt may have done.
 * The policy only reports the last attempt's error; a saga needs to know whether ANY attempt
 * could have reserved stock or captured money (e.g. attempt 1 timed out after the dependency got
 * it, attempt 2 was rejected by the now-open breaker). Never throws.
 */
export async function callDependency<T>(
  endpoint: DependencyEndpoint,
  request: HttpRequestOptions<T>,
): Promise<DependencyCallResult<T>> {
  const effects: AttemptEffect[] = [];
  const transport = endpoint.fetch ?? fetch;
  const tracked: typeof fetch = async (input, init) => {
    const attempt = effects.push('maybe') - 1;
    try {
      const response = await transport(input, init);
      if (turnedAway(response)) effects[attempt] = 'refused';
      return response;
    } catch (error) {
      if (neverSent(error)) effects[attempt] = 'not_sent';
      throw error;
    }
  };
  // One lightweight client per call, so the tracker sees exactly this call's attempts; the
  // policy (breaker, bulkhead, budget) is shared by every call to the dependency.
  const client = new ResilientHttpClient({
    baseUrl: endpoint.baseUrl,
    policy: endpoint.policy,
    fetch: tracked,
    headers: endpoint.headers,
  });
  try {
    return { ok: true, response: await client.request(request) };
  } catch (error) {
    return { ok: false, error, maybeApplied: effects.includes('maybe') };
  }
}

function turnedAway(response: Response): boolean {
  if (response.status === 429) return true;
  return (
    response.status === 503 &&
    response.headers.get(DO_NOT_RETRY_HEADER)?.trim().toLowerCase() === 'no'
  );
}

function neverSent(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_SENT_NETWORK_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
