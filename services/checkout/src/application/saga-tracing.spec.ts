import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTelemetry } from '@rc/platform';
import {
  checkoutCommand,
  checkoutFixture,
  orderIn,
  STALE_AFTER_MS,
} from '../../test/support/checkout-fixture';
import type { PlaceOrderCommand } from './place-order.command';
import { ORDER_ID_ATTRIBUTE, OUTCOME_ATTRIBUTE, SAGA_SPANS } from './saga-tracing';

// The platform's real tracer provider with an in-memory exporter: the saga's spans as a
// collector would receive them.
const spans = new InMemorySpanExporter();
let stopTelemetry: () => Promise<void>;

beforeAll(() => {
  stopTelemetry = startTelemetry({
    serviceName: 'checkout',
    serviceVersion: '0.0.0',
    enabled: true,
    endpoint: 'http://127.0.0.1:4318',
    samplingRatio: 1,
    exporter: spans,
  });
});
afterAll(() => stopTelemetry());
beforeEach(() => spans.reset());

type Fixture = ReturnType<typeof checkoutFixture>;

/** Places an order under a stand-in for the request's server span; returns that span. */
async function checkoutUnderRequestSpan(f: Fixture, command: PlaceOrderCommand) {
  return trace.getTracer('test').startActiveSpan('POST /v1/checkout', async (request) => {
    await f.placeOrder.execute(command).catch(() => undefined);
    request.end();
    return request.spanContext().spanId;
  });
}

const sagaSpans = () => spans.getFinishedSpans().filter((s) => s.name.startsWith('saga.'));
const named = (name: string): ReadableSpan | undefined =>
  spans.getFinishedSpans().find((s) => s.name === name);
const outcomes = () => sagaSpans().map((s) => [s.name, s.attributes[OUTCOME_ATTRIBUTE]]);

describe('saga spans', () => {
  it('when a checkout is confirmed, then reserve, charge and confirm are INTERNAL spans of the request with the order id and their outcomes', async () => {
    // Arrange
    const f = checkoutFixture();
    const command = checkoutCommand({ paymentToken: 'tok_secret_never_traced' });

    // Act
    const requestSpanId = await checkoutUnderRequestSpan(f, command);

    // Assert
    expect(outcomes()).toEqual([
      [SAGA_SPANS.reserveInventory, 'reserved'],
      [SAGA_SPANS.chargePayment, 'captured'],
      [SAGA_SPANS.confirmOrder, 'confirmed'],
    ]);
    const orderId = [...f.orders.orders.keys()][0];
    for (const span of sagaSpans()) {
      expect(span.kind).toBe(SpanKind.INTERNAL);
      expect(span.parentSpanContext?.spanId).toBe(requestSpanId);
      expect(span.attributes[ORDER_ID_ATTRIBUTE]).toBe(orderId);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    }
    const everything = JSON.stringify(spans.getFinishedSpans().map((s) => s.attributes));
    expect(everything).not.toContain('tok_secret_never_traced');
  });

  it('when the payment is declined, then the charge span says declined (not an error) and the compensation spans follow it', async () => {
    // Arrange
    const f = checkoutFixture();
    f.payments.chargeBehaviour = 'decline';

    // Act
    const requestSpanId = await checkoutUnderRequestSpan(f, checkoutCommand());

    // Assert
    expect(outcomes()).toEqual([
      [SAGA_SPANS.reserveInventory, 'reserved'],
      [SAGA_SPANS.chargePayment, 'declined'],
      [SAGA_SPANS.releaseInventory, 'released'],
      [SAGA_SPANS.compensate, 'done'],
    ]);
    expect(named(SAGA_SPANS.chargePayment)?.status.code).toBe(SpanStatusCode.UNSET);
    const compensate = named(SAGA_SPANS.compensate)!;
    expect(compensate.parentSpanContext?.spanId).toBe(requestSpanId);
    expect(compensate.attributes['saga.compensation.check_payments']).toBe(false);
    expect(named(SAGA_SPANS.releaseInventory)?.parentSpanContext?.spanId).toBe(
      compensate.spanContext().spanId,
    );
  });

  it('when the charge outcome is unknown and the release fails, then the failed steps are ERROR spans typed by the error class', async () => {
    // Arrange
    const f = checkoutFixture();
    f.payments.chargeBehaviour = 'unknown';
    f.reservations.releaseFailure = new TypeError('inventory down');

    // Act
    await checkoutUnderRequestSpan(f, checkoutCommand());

    // Assert
    expect(outcomes()).toEqual([
      [SAGA_SPANS.reserveInventory, 'reserved'],
      [SAGA_SPANS.chargePayment, 'unknown'],
      [SAGA_SPANS.refundPayment, 'unsettled'],
      [SAGA_SPANS.releaseInventory, 'error'],
      [SAGA_SPANS.compensate, 'incomplete'],
    ]);
    for (const name of [
      SAGA_SPANS.chargePayment,
      SAGA_SPANS.refundPayment,
      SAGA_SPANS.releaseInventory,
      SAGA_SPANS.compensate,
    ]) {
      expect(named(name)?.status.code).toBe(SpanStatusCode.ERROR);
    }
    expect(named(SAGA_SPANS.releaseInventory)?.attributes['error.type']).toBe('TypeError');
  });

  it('when the order was taken over while the charge ran, then the capture that came too late is refunded in a span of its own', async () => {
    // Arrange: the recovery worker fails the order just before the request confirms it
    const f = checkoutFixture();
    f.orders.beforeTransition = (orderId, to) => {
      if (to !== 'CONFIRMED') return;
      const order = f.orders.orders.get(orderId)!;
      f.orders.orders.set(orderId, { ...order, status: 'FAILED', failureCode: 'X' });
    };

    // Act
    await checkoutUnderRequestSpan(f, checkoutCommand());

    // Assert
    expect(outcomes()).toEqual([
      [SAGA_SPANS.reserveInventory, 'reserved'],
      [SAGA_SPANS.chargePayment, 'captured'],
      [SAGA_SPANS.confirmOrder, 'taken_over'],
      [SAGA_SPANS.refundOrphanCapture, 'refunded'],
    ]);
  });

  it('when the recovery worker compensates a stalled order, then saga.recover is a trace of its own with the compensation below it', async () => {
    // Arrange
    const f = checkoutFixture();
    const stalled = orderIn('o-stalled', 'RESERVED');
    f.orders.seed(stalled, STALE_AFTER_MS + 1_000);

    // Act
    await f.recoverOrders.runOnce();

    // Assert
    const recover = named(SAGA_SPANS.recover)!;
    expect(recover.parentSpanContext).toBeUndefined();
    expect(recover.attributes).toMatchObject({
      [ORDER_ID_ATTRIBUTE]: 'o-stalled',
      [OUTCOME_ATTRIBUTE]: 'compensated',
      'checkout.order.status': 'RESERVED',
    });
    expect(named(SAGA_SPANS.compensate)?.parentSpanContext?.spanId).toBe(
      recover.spanContext().spanId,
    );
  });

  it('when a recovery pass finds nothing stalled, then it makes no span', async () => {
    // Arrange
    const f = checkoutFixture();

    // Act
    await f.recoverOrders.runOnce();

    // Assert
    expect(spans.getFinishedSpans()).toEqual([]);
  });
});
