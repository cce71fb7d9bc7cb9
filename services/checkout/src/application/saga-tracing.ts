import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { OrderTakenOverError } from './order-taken-over.error';

/** The saga's span names: one INTERNAL span per remote step, compensation and recovery. */
export const SAGA_SPANS = {
  /** Forward step: reserve the order's stock at inventory. */
  reserveInventory: 'saga.reserve_inventory',
  /** Forward step: charge (authorize and capture) the order's total at payment. */
  chargePayment: 'saga.charge_payment',
  /** Forward step: CONFIRMED + `OrderPlaced`, the point of no return. */
  confirmOrder: 'saga.confirm_order',
  /** Undo a failed order: the two steps below. */
  compensate: 'saga.compensate',
  /** Compensation step: refund the order's captured payment, if any. */
  refundPayment: 'saga.compensation.refund_payment',
  /** Compensation step: release the order's reservation. */
  releaseInventory: 'saga.compensation.release_inventory',
  /** A capture that landed after the order was taken over goes back. */
  refundOrphanCapture: 'saga.compensation.refund_orphan_capture',
  /** The recovery worker finishing or compensating one stalled order. */
  recover: 'saga.recover',
} as const;

/** One of {@link SAGA_SPANS}. */
export type SagaSpanName = (typeof SAGA_SPANS)[keyof typeof SAGA_SPANS];

/** Span attribute: the order the step works on (an id derived by checkout; not personal data). */
export const ORDER_ID_ATTRIBUTE = 'checkout.order.id';
/** Span attribute: how the step ended, e.g. `reserved`, `declined`, `unavailable`, `done`. */
export const OUTCOME_ATTRIBUTE = 'saga.step.outcome';

/**
 * Outcomes that mean the step could not do its work (a dependency failed, the result is not
 * known, an undo is left for later): the span is marked ERROR so failed sagas stand out. A
 * business answer such as `declined` or `insufficient_stock` is not an error of the step.
 */
const FAILED_OUTCOMES: ReadonlySet<string> = new Set([
  'unavailable',
  'not_charged',
  'unknown',
  'incomplete',
  'unsettled',
  'retry_later',
  'error',
]);

const tracer = trace.getTracer('checkout.saga');

/**
 * Runs one saga step as an INTERNAL span (child of the request's server span, or a root span for
 * the recovery worker), with the order id and the step's outcome (`outcomeOf(result)`; a thrown
 * error is `taken_over` or `error` with its class as `error.type`). The HTTP client and database
 * spans of the step hang below it. Without an OpenTelemetry SDK this is a plain call.
 */
export function sagaStep<T>(
  name: SagaSpanName,
  orderId: string,
  step: () => Promise<T>,
  outcomeOf: (result: T) => string,
  attributes: Attributes = {},
): Promise<T> {
  const options = {
    kind: SpanKind.INTERNAL,
    attributes: { [ORDER_ID_ATTRIBUTE]: orderId, ...attributes },
  };
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      const result = await step();
      const outcome = outcomeOf(result);
      span.setAttribute(OUTCOME_ATTRIBUTE, outcome);
      if (FAILED_OUTCOMES.has(outcome)) span.setStatus({ code: SpanStatusCode.ERROR });
      return result;
    } catch (error) {
      const takenOver = error instanceof OrderTakenOverError;
      span.setAttribute(OUTCOME_ATTRIBUTE, takenOver ? 'taken_over' : 'error');
      // The class name, not the message: messages may quote a dependency's answer.
      span.setAttribute('error.type', error instanceof Error ? error.name : '_OTHER');
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
