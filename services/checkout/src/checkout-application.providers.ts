import type { Provider } from '@nestjs/common';
import { JsonLogger, SERVICE_CONFIG, ShutdownRegistry } from '@rc/platform';
import { CHECKOUT_METRICS, type CheckoutMetrics } from './application/checkout-metrics';
import { Compensation } from './application/compensation';
import { GetOrderQuery } from './application/get-order.query';
import { OrderSaga } from './application/order-saga';
import { PlaceOrderHandler } from './application/place-order.command';
import { RecoverOrdersHandler } from './application/recover-orders.command';
import type { CheckoutConfig } from './config/checkout.config';
import { CART_PORT, type CartPort } from './domain/ports/cart.port';
import { CATALOG_PORT, type CatalogPort } from './domain/ports/catalog.port';
import { ORDER_REPOSITORY, type OrderRepository } from './domain/ports/order.repository';
import { PAYMENT_PORT, type PaymentPort } from './domain/ports/payment.port';
import { RECOMMENDATION_PORT, type RecommendationPort } from './domain/ports/recommendation.port';
import { RESERVATION_PORT, type ReservationPort } from './domain/ports/reservation.port';
import { RecoveryWorker } from './infrastructure/recovery.worker';

/**
 * The use cases, built from the ports (plain classes, no Nest decorators: the application layer
 * stays framework-free and is unit-tested against in-memory ports), plus the recovery worker.
 */
export const checkoutApplicationProviders: Provider[] = [
  {
    provide: Compensation,
    inject: [RESERVATION_PORT, PAYMENT_PORT, JsonLogger],
    useFactory: (reservations: ReservationPort, payments: PaymentPort, logger: JsonLogger) =>
      new Compensation(reservations, payments, logger),
  },
  {
    provide: OrderSaga,
    inject: [
      ORDER_REPOSITORY,
      RESERVATION_PORT,
      PAYMENT_PORT,
      Compensation,
      JsonLogger,
      SERVICE_CONFIG,
    ],
    useFactory: (
      orders: OrderRepository,
      reservations: ReservationPort,
      payments: PaymentPort,
      compensation: Compensation,
      logger: JsonLogger,
      config: CheckoutConfig,
    ) =>
      new OrderSaga(
        orders,
        reservations,
        payments,
        compensation,
        logger,
        config.CHECKOUT_COMPENSATION_RESERVE_MS,
      ),
  },
  {
    provide: PlaceOrderHandler,
    inject: [
      ORDER_REPOSITORY,
      CART_PORT,
      CATALOG_PORT,
      RECOMMENDATION_PORT,
      OrderSaga,
      CHECKOUT_METRICS,
      JsonLogger,
      SERVICE_CONFIG,
    ],
    useFactory: (
      orders: OrderRepository,
      cart: CartPort,
      catalog: CatalogPort,
      recommendations: RecommendationPort,
      saga: OrderSaga,
      metrics: CheckoutMetrics,
      logger: JsonLogger,
      config: CheckoutConfig,
    ) =>
      new PlaceOrderHandler({
        orders,
        cart,
        catalog,
        recommendations,
        saga,
        metrics,
        logger,
        maxLines: config.CHECKOUT_MAX_LINES,
      }),
  },
  {
    provide: GetOrderQuery,
    inject: [ORDER_REPOSITORY],
    useFactory: (orders: OrderRepository) => new GetOrderQuery(orders),
  },
  {
    provide: RecoverOrdersHandler,
    inject: [ORDER_REPOSITORY, Compensation, CHECKOUT_METRICS, JsonLogger, SERVICE_CONFIG],
    useFactory: (
      orders: OrderRepository,
      compensation: Compensation,
      metrics: CheckoutMetrics,
      logger: JsonLogger,
      config: CheckoutConfig,
    ) =>
      new RecoverOrdersHandler(orders, compensation, metrics, logger, {
        staleAfterMs: config.RECOVERY_STALE_AFTER_MS,
        batchSize: config.RECOVERY_BATCH_SIZE,
        orderBudgetMs: config.RECOVERY_ORDER_BUDGET_MS,
      }),
  },
  {
    provide: RecoveryWorker,
    inject: [RecoverOrdersHandler, SERVICE_CONFIG, JsonLogger, ShutdownRegistry],
    useFactory: (
      recoverOrders: RecoverOrdersHandler,
      config: CheckoutConfig,
      logger: JsonLogger,
      shutdown: ShutdownRegistry,
    ) => {
      const worker = new RecoveryWorker(recoverOrders, config.RECOVERY_INTERVAL_MS, logger);
      if (config.RECOVERY_ENABLED) {
        worker.start();
        shutdown.onShutdown('recovery-worker', () => worker.stop());
      }
      return worker;
    },
  },
];
