import {
  context,
  ROOT_CONTEXT,
  SamplingDecision,
  TraceFlags,
  trace,
  type Context,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { suppressTracing } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { PlatformTracerProvider } from './platform-tracer-provider';

/** The root sampler of the tests' parent-based sampler, counting the decisions it is asked for. */
class CountingRootSampler implements Sampler {
  asked = 0;
  private readonly inner = new TraceIdRatioBasedSampler(1);
  shouldSample(parentContext: Context, traceId: string) {
    this.asked++;
    return this.inner.shouldSample(parentContext, traceId);
  }
  toString(): string {
    return 'CountingRootSampler';
  }
}

const remoteParent = (traceFlags: TraceFlags): SpanContext => ({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags,
  isRemote: true,
});

describe('PlatformTracerProvider', () => {
  let exporter: InMemorySpanExporter;
  let root: CountingRootSampler;
  let provider: PlatformTracerProvider;
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(() => {
    context.disable();
  });
  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    root = new CountingRootSampler();
    provider = new PlatformTracerProvider({
      sampler: new ParentBasedSampler({ root }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
  });
  afterEach(async () => {
    await provider.shutdown();
  });

  const under = (parent: SpanContext): Context => trace.setSpanContext(ROOT_CONTEXT, parent);
  const tracer = () => provider.getTracer('test');

  it('when the parent is not sampled, then the span is that parent, not recorded, and nothing is exported', () => {
    // Arrange
    const parentContext = under(remoteParent(TraceFlags.NONE));

    // Act
    const span = tracer().startSpan('child', { attributes: { a: 1 } }, parentContext);
    span.setAttribute('b', 2);
    span.end();

    // Assert
    expect(span).toBe(trace.getSpan(parentContext));
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext()).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      traceFlags: TraceFlags.NONE,
    });
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('when the parent is sampled, then the SDK records a child with its own span id', () => {
    // Act
    const span = tracer().startSpan('child', {}, under(remoteParent(TraceFlags.SAMPLED)));
    span.end();

    // Assert
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.name).toBe('child');
    expect(finished?.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(finished?.spanContext().spanId).not.toBe('00f067aa0ba902b7');
    expect(finished?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('when there is no parent, or the span is asked to be a root, then the root sampler decides', () => {
    // Act
    tracer().startSpan('new trace', {}, ROOT_CONTEXT).end();
    tracer()
      .startSpan('forced root', { root: true }, under(remoteParent(TraceFlags.NONE)))
      .end();

    // Assert
    expect(root.asked).toBe(2);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['new trace', 'forced root']);
    const forced = exporter.getFinishedSpans()[1]!.spanContext();
    expect(forced.traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('when tracing is suppressed, then the SDK answers (an invalid span), as without the shortcut', () => {
    const span = tracer().startSpan(
      'suppressed',
      {},
      suppressTracing(under(remoteParent(TraceFlags.NONE))),
    );
    expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
  });

  it('when startActiveSpan runs under an unsampled parent, then the function gets the parent span, active, and its result is returned', () => {
    // Arrange
    const parentContext = under(remoteParent(TraceFlags.NONE));
    let active: Span | undefined;

    // Act
    const result = tracer().startActiveSpan('step', {}, parentContext, (span) => {
      active = trace.getActiveSpan();
      return span;
    });

    // Assert
    expect(result).toBe(trace.getSpan(parentContext));
    expect(active).toBe(result);
  });

  it('when startActiveSpan runs under a sampled parent, then its span is recorded and active inside the function', () => {
    const span = tracer().startActiveSpan('step', (s) => {
      expect(trace.getActiveSpan()).toBe(s);
      return s;
    });
    span.end();
    expect(span.isRecording()).toBe(false);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['step']);
  });

  it('when a tracer is asked for twice, then the same tracer is returned', () => {
    expect(provider.getTracer('a', '1')).toBe(provider.getTracer('a', '1'));
    expect(provider.getTracer('a', '1')).not.toBe(provider.getTracer('a', '2'));
  });

  it('the parent-based sampler answers NOT_RECORD for a child of an unsampled parent without asking its root sampler: the case the shortcut answers itself', () => {
    // The shortcut only answers what ParentBasedSampler would answer NOT_RECORD for.
    const sampler = new ParentBasedSampler({ root });
    const decision = sampler.shouldSample(
      under(remoteParent(TraceFlags.NONE)),
      '4bf92f3577b34da6a3ce929d0e0e4736',
      'child',
      0,
      {},
      [],
    );
    expect(decision.decision).toBe(SamplingDecision.NOT_RECORD);
    expect(root.asked).toBe(0);
  });
});
