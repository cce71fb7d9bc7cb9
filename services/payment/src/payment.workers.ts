import type { Provider } from '@nestjs/common';
import { ensureTopicsInBackground, OutboxRelay } from '@rc/messaging';
import {
  JsonLogger,
  logFunction,
  SERVICE_CONFIG,
  ServiceMetrics,
  ShutdownRegistry,
} from '@rc/platform';
import type { FaultInjector } from '@rc/resilience';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { ReconcilePayments } from './application/reconcile-payments.command';
import { RefundPayment } from './application/refund-payment.command';
import { RetryPendingRefunds } from './application/retry-pending-refunds.command';
import type { PaymentConfig } from './config/payment.config';
import type { PaymentProvider } from './domain/payment-provider.port';
import { FAULT_INJECTOR, KAFKA, PAYMENT_PROVIDER, PG_POOL } from './infrastructure/payment.tokens';
import { PgPaymentUnitOfWork } from './infrastructure/pg-payment.unit-of-work';
import { PgReconciliationQueue } from './infrastructure/pg-reconciliation.queue';
import {
  reconciliationCounters,
  ReconciliationWorker,
} from './infrastructure/reconciliation.worker';

// The payment service's background work, each piece built, started and given its stop by its
// provider's factory (the services' one way): stopped before the pool closes, since the pool,
// a dependency, registered its close first.

/**
 * The outbox relay (one leader among replicas). The `payments` topic is ensured in the
 * background: a broker outage delays events, never charges.
 */
const outboxRelayProvider: Provider = {
  provide: OutboxRelay,
  inject: [
    SERVICE_CONFIG,
    PG_POOL,
    KAFKA,
    FAULT_INJECTOR,
    ServiceMetrics,
    JsonLogger,
    ShutdownRegistry,
  ],
  useFactory: (
    config: PaymentConfig,
    pool: Pool,
    kafka: Kafka,
    faults: FaultInjector,
    metrics: ServiceMetrics,
    logger: JsonLogger,
    shutdown: ShutdownRegistry,
  ) => {
    const log = logFunction(logger);
    const relay = new OutboxRelay({
      name: config.SERVICE_NAME,
      pool,
      kafka,
      registry: metrics.registry,
      // Fewer kafkajs retries per send: the relay retries forever with its own
      // (interruptible) backoff, so a stop is not held up by a long send to a dead broker.
      producerRetries: 2,
      faults, // `publish` rules on the payments topic (a slow or failing broker)
      logger: log,
    });
    relay.start();
    shutdown.onShutdown('outbox-relay', () => relay.stop());
    // Creating topics on an unreachable broker must not hold the shutdown up for long (2 s).
    const stopTopics = ensureTopicsInBackground(kafka, [config.PAYMENTS_TOPIC], log);
    shutdown.onShutdown('ensure-topics', stopTopics);
    return relay;
  },
};

/**
 * The reconciliation worker (every replica; leases split the work), or null in a replica with
 * `RECONCILIATION_ENABLED=false`. Its passes write events to the outbox, so it injects the
 * relay: it starts after the relay and stops before it.
 */
const reconciliationWorkerProvider: Provider = {
  provide: ReconciliationWorker,
  inject: [
    OutboxRelay,
    SERVICE_CONFIG,
    PG_POOL,
    PAYMENT_PROVIDER,
    PgPaymentUnitOfWork,
    RefundPayment,
    ServiceMetrics,
    JsonLogger,
    ShutdownRegistry,
  ],
  useFactory: (
    _relay: OutboxRelay,
    config: PaymentConfig,
    pool: Pool,
    provider: PaymentProvider,
    uow: PgPaymentUnitOfWork,
    refundPayment: RefundPayment,
    metrics: ServiceMetrics,
    logger: JsonLogger,
    shutdown: ShutdownRegistry,
  ): ReconciliationWorker | null => {
    if (!config.RECONCILIATION_ENABLED) return null;
    const log = logFunction(logger);
    const queue = new PgReconciliationQueue(pool, {
      staleAfterMs: config.AUTHORIZATION_STALE_AFTER_MS,
      backoffBaseMs: config.RECONCILIATION_BACKOFF_BASE_MS,
      backoffMaxMs: config.RECONCILIATION_BACKOFF_MAX_MS,
    });
    const counters = reconciliationCounters(metrics.registry);
    const batch = config.RECONCILIATION_BATCH_SIZE;
    const reconciliation = new ReconciliationWorker(
      new ReconcilePayments(queue, uow, provider, batch, log, (outcome) =>
        counters.reconciled.inc({ outcome }),
      ),
      new RetryPendingRefunds(queue, refundPayment, batch, log, (outcome) =>
        counters.refundRetries.inc({ outcome }),
      ),
      config.RECONCILIATION_INTERVAL_MS,
      log,
    );
    reconciliation.start();
    shutdown.onShutdown('reconciliation', () => reconciliation.stop());
    return reconciliation;
  },
};

/** The payment service's background work, for the module's `providers`. */
export const paymentWorkers: Provider[] = [outboxRelayProvider, reconciliationWorkerProvider];
