import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** Header naming the calling client (checkout sends its service name). */
export const CLIENT_ID_HEADER = 'x-client-id';

const MAX_LENGTH = 128;

/**
 * Who is calling, for rate-limit buckets and idempotency-key scopes: the `x-client-id` header
 * (checkout sends its service name), `anonymous` without one. Long or odd values are hashed so
 * a caller cannot grow keys or smuggle separators into them, while each caller keeps a bucket
 * of its own (mapping them all to one shared scope would let one odd caller exhaust everyone's
 * rate limit).
 */
export function clientIdOf(request: FastifyRequest): string {
  const raw = request.headers[CLIENT_ID_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return 'anonymous';
  if (value.length <= MAX_LENGTH && /^[A-Za-z0-9._:@-]+$/.test(value)) return value;
  return `h:${createHash('sha256').update(value).digest('hex').slice(0, 32)}`;
}
