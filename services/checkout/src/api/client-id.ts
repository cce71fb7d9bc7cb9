import type { FastifyRequest } from 'fastify';

/** Header naming the calling client, for requests that carry no customer. */
export const CLIENT_ID_HEADER = 'x-client-id';

const IDENTIFIER = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * Who is calling, for the idempotency-key scope and the rate-limit bucket. A checkout is scoped
 * by its customer (`customer:<customerId>` from the body: the same key from two customers is two
 * checkouts); anything else by `x-client-id`, or `anonymous`. Values that are not plain
 * identifiers are not trusted as key components and fall back to the shared scope; the body is
 * validated properly later, by the handler's pipe.
 */
export function clientIdOf(request: FastifyRequest): string {
  const body = request.body as { customerId?: unknown } | undefined;
  const customerId = typeof body === 'object' && body !== null ? body.customerId : undefined;
  if (typeof customerId === 'string' && IDENTIFIER.test(customerId))
    return `customer:${customerId}`;
  const header = request.headers[CLIENT_ID_HEADER];
  return typeof header === 'string' && IDENTIFIER.test(header) ? header : 'anonymous';
}
