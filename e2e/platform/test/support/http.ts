import { randomUUID } from 'node:crypto';

/** A response with its parsed JSON body (or the text when it is not JSON). */
export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number;
}

/** Signs a customer token for a customer id (the platform run's identity provider). */
let signCustomer: ((customerId: string) => Promise<string>) | undefined;
/** Whether a URL is a customer-facing service (checkout, cart) that wants a signed-in customer. */
let isCustomerFacing: (url: string) => boolean = () => false;

/** The customer requests to checkout and cart sign in as when they name none. */
export const DEFAULT_SHOPPER = 'e2e-shopper';

/**
 * Makes {@link call} sign requests to the URLs `customerFacing` accepts in as customers, with
 * `sign` (set by the platform run).
 */
export function signCustomersWith(
  sign: (customerId: string) => Promise<string>,
  customerFacing: (url: string) => boolean,
): void {
  signCustomer = sign;
  isCustomerFacing = customerFacing;
}

/** A customer id a token can name (what the identity provider accepts). */
const SIGNABLE = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * Sends a JSON request and returns status, headers, body and how long it took. A request to
 * checkout or cart is signed in as customer `as` — by default the body's `customerId` when it is
 * a plain id, else {@link DEFAULT_SHOPPER} — unless `headers` carry an `authorization` of their
 * own or `as` is `null` (anonymous).
 */
export async function call(
  method: string,
  url: string,
  options: {
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    timeoutMs?: number;
    as?: string | null;
  } = {},
): Promise<JsonResponse> {
  const started = performance.now();
  const res = await fetch(url, {
    method,
    headers: {
      ...(options.body !== undefined || options.rawBody !== undefined
        ? { 'content-type': 'application/json' }
        : {}),
      ...(await signedIn(url, options)),
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

async function signedIn(
  url: string,
  options: { body?: unknown; headers?: Record<string, string>; as?: string | null },
): Promise<Record<string, string>> {
  if (!signCustomer || options.as === null || !isCustomerFacing(url)) return {};
  if (
    options.headers &&
    Object.keys(options.headers).some((h) => h.toLowerCase() === 'authorization')
  )
    return {};
  const fromBody = (options.body as { customerId?: unknown } | null | undefined)?.customerId;
  const customerId = options.as ?? (typeof fromBody === 'string' ? fromBody : DEFAULT_SHOPPER);
  if (!SIGNABLE.test(customerId)) return {};
  return { authorization: `Bearer ${await signCustomer(customerId)}` };
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
