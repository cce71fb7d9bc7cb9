import type { FastifyRequest } from 'fastify';

/** Header naming the calling client: the rate-limit bucket and the Idempotency-Key scope. */
export const CLIENT_ID_HEADER = 'x-client-id';

const CLIENT_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * The calling client (`x-client-id`), or `anonymous` when absent or malformed. A value that is
 * not a plain identifier is not trusted as a key component: it falls back to the shared
 * `anonymous` scope rather than being echoed into Redis keys or metric labels.
 */
export function clientIdOf(request: FastifyRequest): string {
  const header = request.headers[CLIENT_ID_HEADER];
  return typeof header === 'string' && CLIENT_ID.test(header) ? header : 'anonymous';
}
