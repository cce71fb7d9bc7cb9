import { InjectedFaultError, type FaultInjector } from '@rc/resilience';

/**
 * A fetch that applies the fault injector's `dependency` rules for `dependency` before the real
 * call, shaped like the real failures so the resilience policy and the saga react to them as
 * they would in production: an injected `error` becomes an HTTP response with that status and a
 * problem+json body, an `abort` a connection reset (`ECONNRESET`, after the request "left"),
 * `latency` a slow dependency (cut short when the attempt times out), `corrupt` a mangled body.
 */
export function faultInjectingFetch(
  injector: FaultInjector,
  dependency: string,
  transport: typeof fetch = fetch,
): typeof fetch {
  return async (input, init) => {
    if (!injector.isActive('dependency')) return transport(input, init);
    let effects;
    try {
      effects = await injector.inject('dependency', dependency, init?.signal ?? undefined);
    } catch (error) {
      if (error instanceof InjectedFaultError) return problemResponse(error);
      throw error;
    }
    if (effects.abort) {
      const reset = Object.assign(new Error('socket hang up (injected)'), { code: 'ECONNRESET' });
      throw new TypeError('fetch failed', { cause: reset });
    }
    const response = await transport(input, init);
    if (!effects.corrupt) return response;
    const text = await response.text();
    return new Response(String(injector.corrupt(text)), {
      status: response.status,
      headers: response.headers,
    });
  };
}

function problemResponse(error: InjectedFaultError): Response {
  const body = {
    type: 'about:blank',
    title: 'Injected fault',
    status: error.status,
    code: error.code,
    detail: error.message,
  };
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { 'content-type': 'application/problem+json' },
  });
}
