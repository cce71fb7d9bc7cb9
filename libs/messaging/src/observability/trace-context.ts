import {
  context,
  propagation,
  ROOT_CONTEXT,
  trace,
  type Context,
  type Tracer,
} from '@opentelemetry/api';

/** Tracer every span of this package is created with. */
export function messagingTracer(): Tracer {
  return trace.getTracer('@rc/messaging');
}

/**
 * The W3C trace-context carrier (`traceparent`, `tracestate`, `baggage`) of `ctx` (the active
 * context by default). Empty when no OpenTelemetry SDK/propagator is registered.
 */
export function injectTraceContext(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The context a carrier continues (a child of the producer's span), rooted at ROOT otherwise. */
export function extractTraceContext(carrier: Record<string, string>): Context {
  return propagation.extract(ROOT_CONTEXT, carrier);
}
