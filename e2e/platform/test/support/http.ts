import { randomUUID } from 'node:crypto';

/** A response with its parsed JSON body (or the text when it is not JSON). */
export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number;
}

/** Sends a JSON request and returns status, headers, body and how long it took. */
export async function call(
  method: string,
  url: string,
  options: {
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    timeoutMs?: number;
  } = {},
): Promise<JsonResponse> {
  const started = performance.now();
  const res = await fetch(url, {
    method,
    headers: {
      ...(options.body !== undefined || options.rawBody !== undefined
        ? { 'content-type': 'application/json' }
        : {}),
      ...options.headers,
    },
    body:
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body, ms: performance.now() - started };
}

/** A checkout request body for `customerId` with the given lines. */
export function checkoutBody(
  customerId: string,
  items: { sku: string; quantity: number }[],
  token = 'tok_visa',
  cartId?: string,
): Record<string, unknown> {
  return { customerId, ...(cartId ? { cartId } : {}), items, payment: { token } };
}

/** A fresh customer id and idempotency key for one test. */
export function fresh(prefix: string): { customerId: string; key: string } {
  return { customerId: `${prefix}-${randomUUID().slice(0, 8)}`, key: randomUUID() };
}

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}
