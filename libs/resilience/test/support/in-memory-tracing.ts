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

/** The spans a test captured, and a way to run code under a span of its own. */
export interface InMemoryTracing {
  readonly exporter: InMemorySpanExporter;
  /**
   * Runs `fn` with a fresh span `name` active; once `fn` settles, ends the span and returns it
   * (as exported) with what `fn` threw, if anything.
   */
  inSpan(name: string, fn: () => unknown): Promise<SpanRun>;
}

/**
 * Installs a real OpenTelemetry SDK for the calling test file — AsyncLocalStorage context, W3C
 * propagation, an in-memory exporter (emptied before each test) — and removes it afterwards.
 */
export function useInMemoryTracing(): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
  });
  afterAll(() => {
    trace.disable();
    propagation.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());

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
  return { exporter, inSpan };
}
