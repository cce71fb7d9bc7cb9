import {
  context as contextApi,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * The SDK's Node tracer provider, with one shortcut in its tracers, for the parent-based sampler
 * {@link startTelemetry} configures: a span whose parent is valid and not sampled is never
 * recorded, whatever its name, kind or attributes. For such a span the SDK still draws a new span
 * id, copies and checks its attributes, asks the sampler and counts it, only to hand back a
 * non-recording span; at a 10 % ratio that is 9 spans in 10, every client, consumer and saga
 * span of a request that was not sampled. These tracers hand back the parent's own
 * non-recording span instead: the trace id, the trace state and the "not sampled" flag reach the
 * next service as before; what changes is only the parent-id a non-recorded span propagates (its
 * nearest non-recorded ancestor's, which is as absent from every trace backend as a fresh one).
 *
 * Spans with no parent, a sampled parent, or `root: true`, and all spans while tracing is
 * suppressed, go to the SDK as before. Only for a parent-based sampler whose "parent not
 * sampled" samplers are the defaults (always off).
 */
export class PlatformTracerProvider extends NodeTracerProvider {
  private readonly shortcutTracers = new Map<string, Tracer>();

  override getTracer(name: string, version?: string, options?: { schemaUrl?: string }): Tracer {
    const key = `${name}@${version ?? ''}:${options?.schemaUrl ?? ''}`;
    let tracer = this.shortcutTracers.get(key);
    if (!tracer) {
      tracer = new UnsampledChildShortcut(super.getTracer(name, version, options));
      this.shortcutTracers.set(key, tracer);
    }
    return tracer;
  }
}

/** A tracer that answers a span under an unsampled parent itself (see PlatformTracerProvider). */
class UnsampledChildShortcut implements Tracer {
  constructor(private readonly sdk: Tracer) {}

  startSpan(name: string, options?: SpanOptions, context: Context = contextApi.active()): Span {
    return unsampledParentOf(context, options) ?? this.sdk.startSpan(name, options, context);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    context: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    const fn = rest[rest.length - 1] as F;
    const options = rest.length > 1 ? (rest[0] as SpanOptions) : undefined;
    const parent = rest.length > 2 ? (rest[1] as Context) : contextApi.active();
    const span = this.startSpan(name, options, parent);
    return contextApi.with(trace.setSpan(parent, span), () => fn(span) as ReturnType<F>);
  }
}

/** The parent's span when a parent-based sampler would not record a child of it. */
function unsampledParentOf(context: Context, options: SpanOptions | undefined): Span | undefined {
  if (options?.root) return undefined;
  const parent = trace.getSpan(context);
  if (!parent || parent.isRecording()) return undefined;
  const parentContext = parent.spanContext();
  if ((parentContext.traceFlags & TraceFlags.SAMPLED) !== 0) return undefined;
  if (!trace.isSpanContextValid(parentContext) || isTracingSuppressed(context)) return undefined;
  return parent;
}
