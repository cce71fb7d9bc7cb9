import {
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { isResilienceError } from '../resilience.errors';

const tracer = trace.getTracer('@rc/resilience');

/** What the CLIENT span of one attempt describes. */
export interface ClientSpanTarget {
  /** The dependency (policy) name, recorded as `peer.service`. */
  readonly dependency: string;
  readonly method: string;
  /** The request URL without its query string (which may carry things that must not be traced). */
  readonly url: URL;
  /** Route template, e.g. `/v1/payments/:id/refund`: names the span; `url.template`. */
  readonly urlTemplate?: string;
  /** 1-based attempt number; attempts after the first carry `http.request.resend_count`. */
  readonly attempt: number;
}

/** The CLIENT span of one attempt, with the context that carries it. */
export interface ClientSpan {
  readonly span: Span;
  /** The caller's context with this span active: inject it, and run the exchange in it. */
  readonly context: Context;
}

/**
 * Starts the CLIENT span of one HTTP attempt (OpenTelemetry HTTP client conventions: one span per
 * resend), named `<METHOD> <url.template>`, or `<METHOD>` alone when the template is unknown —
 * the concrete path holds ids and would make span names unbounded.
 */
export function startClientSpan(target: ClientSpanTarget): ClientSpan {
  const { url } = target;
  const attributes: Attributes = {
    'http.request.method': target.method,
    'server.address': url.hostname,
    'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    'url.full': `${url.origin}${url.pathname}`,
    'peer.service': target.dependency,
  };
  if (target.urlTemplate !== undefined) attributes['url.template'] = target.urlTemplate;
  if (target.attempt > 1) attributes['http.request.resend_count'] = target.attempt - 1;
  const name = target.urlTemplate ? `${target.method} ${target.urlTemplate}` : target.method;
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, context.active());
  return { span, context: trace.setSpan(context.active(), span) };
}

/** Records the response status; 4xx and 5xx make the client span an error (`error.type`). */
export function recordResponseStatus(span: Span, status: number): void {
  span.setAttribute('http.response.status_code', status);
  if (status >= 400) {
    span.setAttribute('error.type', String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}

/**
 * Marks the span failed by `error` with a bounded `error.type`: the HTTP status for an answer
 * already recorded, else the toolkit's stable code (`RESILIENCE.ATTEMPT_TIMEOUT`) or the error's
 * class name. The message is left out: it may quote a dependency's answer.
 */
export function recordClientError(span: Span, error: unknown): void {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number') {
    recordResponseStatus(span, status);
    return;
  }
  const type = isResilienceError(error)
    ? error.code
    : error instanceof Error
      ? error.name
      : '_OTHER';
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR });
}
