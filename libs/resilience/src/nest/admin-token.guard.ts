import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ResilienceError } from '../resilience.errors';
import { httpExchange } from './http-context';
import { ResilienceRegistry } from './resilience.registry';

/** The admin API was called without the right bearer token: HTTP 401. */
export class AdminUnauthorizedError extends ResilienceError {
  readonly code = 'RESILIENCE.ADMIN_UNAUTHORIZED';
  readonly transient = false;
  /** HTTP status the edge answers with. */
  readonly httpStatus = 401;
  /** `WWW-Authenticate` challenge (RFC 6750). */
  readonly headers: Record<string, string> = {
    'www-authenticate': 'Bearer realm="resilience-admin"',
  };

  constructor() {
    super('a valid bearer token is required');
  }
}

/**
 * Lets a request through only with `Authorization: Bearer <faultAdminToken>`. Both tokens are
 * hashed to equal-length digests and compared with `timingSafeEqual`, so response time reveals
 * neither the token nor its length. Without a configured token nobody gets in. The token is
 * never logged or echoed.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(registry: ResilienceRegistry) {
    const token = registry.options.faultAdminToken;
    this.expected = token ? digest(token) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const header = httpExchange(context)?.request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header.trim()) : null;
    const presented = match?.[1];
    if (!this.expected || presented === undefined) throw new AdminUnauthorizedError();
    if (!timingSafeEqual(digest(presented), this.expected)) throw new AdminUnauthorizedError();
    return true;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
