import { context, propagation, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** A finished span of {@link InMemoryTracing.inSpan} and the error its work threw, if any. */
export interface SpanRun {
  readonly span: ReadableSpan;
  readonly error: unknown;
}

/** A real OpenTelemetry SDK installed for a test file, exporting into memory. */
export interface InMemoryTracing {
  readonly exporter: InMemorySpanExporter;
  /**
   * Runs `fn` with a fresh span `name` active; once `fn` settles, ends the span and returns it
   * (as exported) with what `fn` threw, if anything.
   */
  inSpan(name: string, fn: () => unknown): Promise<SpanRun>;
  /** Removes the SDK again (global tracer provider, propagator and context manager). */
  uninstall(): void;
}

/**
 * Installs a real OpenTelemetry SDK globally — AsyncLocalStorage context, W3C trace-context
 * propagation, an in-memory exporter with synchronous export — for tests that check spans. Call
 * it in `beforeAll`, `exporter.reset()` in `beforeEach` and `uninstall()` in `afterAll`.
 */
export function installInMemoryTracing(): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );

  const inSpan = (name: string, fn: () => unknown) =>
    trace.getTracer('test').startActiveSpan(name, async (span: Span): Promise<SpanRun> => {
      let error: unknown;
      try {
        await fn();
      } catch (e) {
        error = e;
      } finally {
        span.end();
      }
      const id = span.spanContext().spanId;
      const finished = exporter.getFinishedSpans().find((s) => s.spanContext().spanId === id);
      if (!finished) throw new Error(`span ${name} was not exported`);
      return { span: finished, error };
    });
  const uninstall = () => {
    trace.disable();
    propagation.disable();
    context.disable();
  };
  return { exporter, inSpan, uninstall };
}
