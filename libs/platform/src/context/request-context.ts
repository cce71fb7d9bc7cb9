import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What the platform knows about the request being served, for logs and outbound calls. */
export interface RequestContext {
  /** From a valid inbound `x-request-id`, else generated; echoed on the response. */
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the request whose async work is running, if any. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs `fn` with `ctx` as the current request context. */
export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The inbound request id when it is well-formed (so logs cannot be forged), else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && VALID_REQUEST_ID.test(value) ? value : randomUUID();
}
