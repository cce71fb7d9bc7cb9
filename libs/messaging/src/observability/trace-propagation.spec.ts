import { context, SpanKind, trace } from '@opentelemetry/api';
import { createEvent } from '@rc/contracts';
import { installInMemoryTracing, type InMemoryTracing } from '@rc/testing';
import type { EachMessagePayload, Producer } from 'kafkajs';
import type { ClientBase } from 'pg';
import { Registry } from 'prom-client';
import { defaultClassifyError } from '../consumer/error-classifier';
import { eventConsumerMetrics } from '../consumer/event-consumer.metrics';
import { MessageProcessor } from '../consumer/message-processor';
import { encodeEvent } from '../kafka/message-codec';
import { outbox } from '../outbox/outbox';
import { publishSpans } from '../outbox/publish-spans';

// A real OpenTelemetry SDK with an in-memory exporter: proves that the trace of the request that
// wrote an event continues through the relay's producer span into the consumer's span.
let tracing: InMemoryTracing;
const requestTracer = () => trace.getTracer('test-request');

beforeAll(() => {
  tracing = installInMemoryTracing();
});
afterAll(() => tracing.uninstall());
beforeEach(() => tracing.exporter.reset());

const event = () =>
  createEvent('StockReserved', 'order-1', {
    orderId: 'order-1',
    items: [{ sku: 'A', quantity: 1 }],
  });

describe('trace context across Kafka', () => {
  it('when outbox.add runs inside a request span, then the row stores that span as traceparent', async () => {
    // Arrange
    let storedHeaders: Record<string, string> = {};
    const client = {
      query: async (_sql: string, values: unknown[]) => {
        storedHeaders = JSON.parse(values[5] as string);
        return { rows: [{ id: '1' }] };
      },
    } as unknown as ClientBase;
    const span = requestTracer().startSpan('POST /v1/checkout');

    // Act
    await context.with(trace.setSpan(context.active(), span), () =>
      outbox.add(client, event(), { topic: 't' }),
    );
    span.end();

    // Assert
    const { traceId, spanId } = span.spanContext();
    expect(storedHeaders.traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });

  it('when the relay publishes a row, then a producer span is a child of the stored context and goes in the headers', () => {
    const request = requestTracer().startSpan('POST /v1/checkout');
    const { traceId, spanId } = request.spanContext();
    const row = {
      topic: 'orders',
      payload: event(),
      headers: { traceparent: `00-${traceId}-${spanId}-01` },
    };

    const spans = publishSpans([row]);
    spans.end();

    const [producer] = tracing.exporter.getFinishedSpans();
    expect(producer!.name).toBe('orders publish');
    expect(producer!.kind).toBe(SpanKind.PRODUCER);
    expect(producer!.spanContext().traceId).toBe(traceId);
    expect(producer!.parentSpanContext?.spanId).toBe(spanId);
    expect(spans.carriers[0]!.traceparent).toBe(
      `00-${traceId}-${producer!.spanContext().spanId}-01`,
    );
  });

  it('when a consumer handles the message, then its span continues the producer span and is active in the handler', async () => {
    // Arrange
    const producerSpan = requestTracer().startSpan('orders publish');
    const { traceId, spanId } = producerSpan.spanContext();
    const message = encodeEvent(event(), { traceparent: `00-${traceId}-${spanId}-01` });
    let activeTraceId: string | undefined;
    const processor = new MessageProcessor({
      group: 'g',
      handlers: {
        StockReserved: async () => {
          activeTraceId = trace.getActiveSpan()?.spanContext().traceId;
        },
      },
      classify: defaultClassifyError,
      maxAttempts: 1,
      backoff: { baseMs: 1, maxMs: 1 },
      heartbeatIntervalMs: 1,
      dlqProducer: {} as Producer,
      metrics: eventConsumerMetrics(new Registry()),
      log: () => undefined,
      signal: new AbortController().signal,
      random: Math.random,
    });
    const payload = {
      topic: 'inventory',
      partition: 0,
      message: {
        key: Buffer.from('order-1'),
        value: Buffer.from(message.value as string),
        headers: message.headers,
        offset: '3',
        timestamp: '0',
        attributes: 0,
      },
      heartbeat: async () => undefined,
      pause: () => () => undefined,
    } as EachMessagePayload;

    // Act
    await processor.process(payload);

    // Assert
    const [consumer] = tracing.exporter.getFinishedSpans();
    expect(consumer!.name).toBe('inventory process');
    expect(consumer!.kind).toBe(SpanKind.CONSUMER);
    expect(consumer!.spanContext().traceId).toBe(traceId);
    expect(consumer!.parentSpanContext?.spanId).toBe(spanId);
    expect(activeTraceId).toBe(traceId);
  });
});
