import {
  DO_NOT_RETRY_HEADER,
  NOT_SENT_NETWORK_CODES,
  type HttpAttemptResult,
  type HttpRequestOptions,
  type HttpResponse,
  type ResilientHttpClient,
} from '@rc/resilience';

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

/** A request of {@link callDependency}: the attempt observers are its own. */
export type DependencyRequest<T> = Omit<HttpRequestOptions<T>, 'onAttempt' | 'onAttemptResult'>;

/**
 * One request through the dependency's client (one per dependency, built at wiring, its policy
 * — breaker, bulkhead, budget — shared by every call), remembering what each attempt may have
 * done. The policy only reports the last attempt's error; a saga needs to know whether ANY
 * attempt could have reserved stock or captured money (e.g. attempt 1 timed out after the
 * dependency got it, attempt 2 was rejected by the now-open breaker). The client reports this
 * call's attempts to its per-request observers. Never throws.
 */
export async function callDependency<T>(
  client: ResilientHttpClient,
  request: DependencyRequest<T>,
): Promise<DependencyCallResult<T>> {
  // By attempt number - 1: attempts the policy refused before sending (open breaker) have none.
  const effects: AttemptEffect[] = [];
  try {
    const response = await client.request<T>({
      ...request,
      onAttempt: (attempt) => {
        effects[attempt - 1] = 'maybe';
      },
      onAttemptResult: (result) => {
        effects[result.attempt - 1] = effectOf(result);
      },
    });
    return { ok: true, response };
  } catch (error) {
    return { ok: false, error, maybeApplied: effects.includes('maybe') };
  }
}

/** What an attempt the transport settled may have done at the dependency. */
function effectOf(result: HttpAttemptResult): AttemptEffect {
  if (result.response) return turnedAway(result.response) ? 'refused' : 'maybe';
  return neverSent(result.error) ? 'not_sent' : 'maybe';
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
