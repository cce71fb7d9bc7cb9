import {
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Span,
} from '@opentelemetry/api';
import { DO_NOT_RETRY_HEADER, DO_NOT_RETRY_VALUE } from '@rc/resilience';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JsonLogger } from '../logging/json-logger';
import type { ServiceMetrics } from '../metrics/http-metrics';

/** The server span of a request, kept on the request object between hooks. */
const SPAN = Symbol('rc.serverSpan');
type WithSpan = FastifyRequest & { [SPAN]?: Span };

/** The active server span of `request` (activated for the handler by the context interceptor). */
export function serverSpanOf(request: FastifyRequest): Span | undefined {
  return (request as WithSpan)[SPAN];
}

/** The route template Fastify matched, or `unmatched` (bounded label cardinality). */
export function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? 'unmatched';
}

const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Fastify hooks that see every request, including unknown routes and bodies rejected before a
 * handler runs: echo the request id, open a SERVER span continuing the caller's trace context
 * (not for health probes and metrics scrapes), and on response record the duration histogram,
 * end the span and write the access log line.
 */
export function installRequestLifecycle(
  fastify: FastifyInstance,
  metrics: ServiceMetrics,
  logger: JsonLogger,
): void {
  const tracer = trace.getTracer('@rc/platform');
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // Probes and scrapes arrive every few seconds from every replica: traced, they would bury
    // the traces of real work (they still get metrics and a debug access line).
    if (QUIET_ROUTES.has(routeOf(request))) return;
    const parent = propagation.extract(context.active(), request.headers);
    (request as WithSpan)[SPAN] = tracer.startSpan(
      request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.url.split('?')[0],
        },
      },
      parent,
    );
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = routeOf(request);
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    // A shed answer is the one 503 that forbids retries (LoadShedError's `x-retry: no`).
    const shed = status === 503 && reply.getHeader(DO_NOT_RETRY_HEADER) === DO_NOT_RETRY_VALUE;
    metrics.observe(request.method, route, status, ms / 1000, shed);
    const span = (request as WithSpan)[SPAN];
    if (span) {
      span.updateName(`${request.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    const spanContext = span?.spanContext();
    const sampled = spanContext && spanContext.traceId !== '00000000000000000000000000000000';
    logger.write(QUIET_ROUTES.has(route) ? 'debug' : 'info', 'request', {
      request_id: request.id,
      ...(sampled ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {}),
      method: request.method,
      route,
      status,
      duration_ms: Math.round(ms * 10) / 10,
    });
  });
}
