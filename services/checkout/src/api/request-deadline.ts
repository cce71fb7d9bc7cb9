import {
  deadlineFromHttpHeaders,
  runWithDeadline,
  type InboundDeadlineOptions,
} from '@rc/resilience';
import type { FastifyRequest } from 'fastify';

/**
 * Runs `work` under the request's deadline (`x-request-timeout-ms`, else the default budget,
 * clamped to the maximum).
 *
 * Why the handler sets it again although the resilience adapter's DeadlineInterceptor already
 * does: that interceptor binds the deadline to the async context of `next.handle()`, but the
 * rate-limit and idempotency interceptors inside it call `next.handle()` from a promise
 * continuation subscribed in Nest's outer context, so the handler no longer sees the deadline
 * (measured: `currentDeadline()` is undefined in the handler with the full interceptor chain).
 * Setting it here again is harmless — a nested deadline can only shorten the outer one — and
 * keeps every outbound call of the saga bounded. The global interceptor still answers an
 * already expired or malformed header (504 / 400) before anything runs.
 */
export function runWithRequestDeadline<T>(
  request: FastifyRequest,
  options: Pick<InboundDeadlineOptions, 'defaultTimeoutMs' | 'maxTimeoutMs'>,
  work: () => Promise<T>,
): Promise<T> {
  const deadlineAt = deadlineFromHttpHeaders(request.headers, options);
  return deadlineAt === undefined ? work() : runWithDeadline(deadlineAt, work);
}
