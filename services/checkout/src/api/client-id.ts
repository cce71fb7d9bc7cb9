import { clientIdOf as callerIdOf } from '@rc/platform';
import type { FastifyRequest } from 'fastify';

const IDENTIFIER = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * Who is calling, for the idempotency-key scope and the rate-limit bucket. A checkout is scoped
 * by its customer (`customer:<customerId>` from the body: the same key from two customers is two
 * checkouts); anything else by the platform's caller id (`x-client-id`, hashed when it is not a
 * plain identifier, or `anonymous`). A customer id that is not a plain identifier is not trusted
 * as a key component; the body is validated properly later, by the handler's pipe.
 */
export function clientIdOf(request: FastifyRequest): string {
  const body = request.body as { customerId?: unknown } | undefined;
  const customerId = typeof body === 'object' && body !== null ? body.customerId : undefined;
  if (typeof customerId === 'string' && IDENTIFIER.test(customerId))
    return `customer:${customerId}`;
  return callerIdOf(request);
}
