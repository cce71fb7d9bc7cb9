import type { FastifyRequest } from 'fastify';
import { customerOf } from '../auth/customer-auth.guard';
import { servicePrincipalOf } from '../auth/service-auth.guard';

/**
 * Who is calling, for rate-limit buckets and idempotency-key scopes — always something the
 * caller proved or cannot choose: the signed-in customer (`customer:<id>`, from a verified
 * customer token), the calling platform service (`service:<name>`, from a verified service
 * token), else the client address (`ip:<address>`, the socket peer, or the first untrusted hop
 * of `X-Forwarded-For` when `TRUST_PROXY` names the proxies in front). Headers a client can set
 * freely never name a bucket, so rotating one gains nothing.
 */
export function clientIdOf(request: FastifyRequest): string {
  const customer = customerOf(request);
  if (customer !== undefined) return `customer:${customer}`;
  const service = servicePrincipalOf(request);
  if (service !== undefined) return `service:${service}`;
  return `ip:${request.ip}`;
}
