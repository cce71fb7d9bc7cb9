/** A service's answer, whatever its status. */
export interface UpstreamResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** One call to a service: method (GET by default), headers, a JSON body, a timeout. */
export interface UpstreamRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}

/**
 * The port through which the console calls the platform's services (the shop relay, the fault
 * admin, the load control's SKU pick). An adapter answers with the service's response as is,
 * any status; only "no answer" (refused, reset, timed out) throws.
 */
export interface Upstream {
  call(service: string, url: string, request: UpstreamRequest): Promise<UpstreamResponse>;
}

/** DI token of the {@link Upstream} adapter. */
export const UPSTREAM = Symbol('UPSTREAM');

/** The JSON body of an answer, or undefined when it is not JSON. */
export function jsonOf(res: UpstreamResponse): unknown {
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    return undefined;
  }
}
