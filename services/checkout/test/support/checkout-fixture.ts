import type { CheckoutLogger } from '../../src/application/checkout-logger';
import type {
  CheckoutMetrics,
  RecoveryAction,
  SagaResult,
  SagaStep,
} from '../../src/application/checkout-metrics';
import { Compensation } from '../../src/application/compensation';
import { OrderSaga } from '../../src/application/order-saga';
import {
  PlaceOrderHandler,
  type PlaceOrderCommand,
} from '../../src/application/place-order.command';
import { RecoverOrdersHandler } from '../../src/application/recover-orders.command';
import type { Order } from '../../src/domain/order';
import type { OrderStatus } from '../../src/domain/order-status';
import { InMemoryOrderRepository } from './in-memory-order.repository';
import {
  FakeCart,
  FakeCatalog,
  FakePayments,
  FakeRecommendations,
  FakeReservations,
} from './fake-dependencies';

/** Metrics that remember every observation. */
export class RecordingMetrics implements CheckoutMetrics {
  readonly sagas: { result: SagaResult; step: SagaStep }[] = [];
  readonly recoveries: { action: RecoveryAction; from: string }[] = [];

  sagaFinished(result: SagaResult, step: SagaStep): void {
    this.sagas.push({ result, step });
  }

  recoveryAction(action: RecoveryAction, from: string): void {
    this.recoveries.push({ action, from });
  }
}

/** A logger that keeps lines for assertions. */
export class RecordingLogger implements CheckoutLogger {
  readonly lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];

  write(level: string, message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level, message, fields });
  }
}

export const STALE_AFTER_MS = 30_000;

/** The whole application layer wired to in-memory fakes of every port. */
export function checkoutFixture(options: { compensationReserveMs?: number } = {}) {
  const orders = new InMemoryOrderRepository();
  const cart = new FakeCart();
  const catalog = new FakeCatalog().add('MUG', 1_200).add('TEA', 450);
  const reservations = new FakeReservations();
  const payments = new FakePayments();
  const recommendations = new FakeRecommendations();
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const compensation = new Compensation(reservations, payments, logger);
  const saga = new OrderSaga(
    orders,
    reservations,
    payments,
    compensation,
    logger,
    options.compensationReserveMs ?? 0,
  );
  const placeOrder = new PlaceOrderHandler({
    orders,
    cart,
    catalog,
    recommendations,
    saga,
    metrics,
    logger,
    maxLines: 50,
  });
  const recoverOrders = new RecoverOrdersHandler(orders, compensation, metrics, logger, {
    staleAfterMs: STALE_AFTER_MS,
    batchSize: 10,
    orderBudgetMs: 5_000,
  });
  return {
    orders,
    cart,
    catalog,
    reservations,
    payments,
    recommendations,
    metrics,
    logger,
    placeOrder,
    recoverOrders,
    /** Moves the repository clock past the stale delay. */
    ageOrders: (ms = STALE_AFTER_MS + 1) => {
      orders.nowMs += ms;
    },
  };
}

/** A valid checkout command with body items; override what the test is about. */
export function checkoutCommand(overrides: Partial<PlaceOrderCommand> = {}): PlaceOrderCommand {
  return {
    customerId: 'cust-1',
    idempotencyKey: `key-${Math.random().toString(36).slice(2)}`,
    items: [
      { sku: 'MUG', quantity: 2 },
      { sku: 'TEA', quantity: 1 },
    ],
    paymentToken: 'tok_visa',
    ...overrides,
  };
}

/** A one-line order (1 MUG, 12.00 EUR) found in `status`, e.g. to seed a stalled order. */
export function orderIn(id: string, status: OrderStatus, extra: Partial<Order> = {}): Order {
  return {
    id,
    customerId: 'cust-1',
    status,
    items: [{ sku: 'MUG', quantity: 1, unitPrice: 1_200 }],
    total: 1_200,
    currency: 'EUR',
    paymentId: null,
    failureCode: null,
    degraded: [],
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...extra,
  };
}
