import {
  deadlineFromHttpHeaders,
  runWithDeadline,
  type InboundDeadlineOptions,
} from '@rc/resilience';
import type { FastifyRequest } from 'fastify';

/**
 * Runs `work` under the checkout saga's own budget: the caller's `x-request-timeout-ms`, else
 * CHECKOUT_DEFAULT_DEADLINE_MS, clamped to CHECKOUT_MAX_DEADLINE_MS. The resilience adapter's
 * DeadlineInterceptor already scopes every request to the module-wide budget; this nested,
 * route-specific deadline can only shorten it, and bounds every outbound call of the saga. The
 * global interceptor still answers an already expired or malformed header (504 / 400) before
 * anything runs.
 */
export function runWithRequestDeadline<T>(
  request: FastifyRequest,
  options: Pick<InboundDeadlineOptions, 'defaultTimeoutMs' | 'maxTimeoutMs'>,
  work: () => Promise<T>,
): Promise<T> {
  const deadlineAt = deadlineFromHttpHeaders(request.headers, options);
  return deadlineAt === undefined ? work() : runWithDeadline(deadlineAt, work);
}
