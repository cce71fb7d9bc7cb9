import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ensureTopicsInBackground, OutboxRelay } from '@rc/messaging';
import {
  JsonLogger,
  type LogFunction,
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

/**
 * The payment service's background work, started once the app is built and stopped before the
 * pool closes: the outbox relay (one leader among replicas) and the reconciliation worker
 * (every replica; leases split the work). The `payments` topic is ensured in the background: a
 * broker outage delays events, never charges.
 */
@Injectable()
export class PaymentWorkers implements OnApplicationBootstrap {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: PaymentConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    @Inject(FAULT_INJECTOR) private readonly faults: FaultInjector,
    @Inject(PgPaymentUnitOfWork) private readonly uow: PgPaymentUnitOfWork,
    @Inject(RefundPayment) private readonly refundPayment: RefundPayment,
    @Inject(ServiceMetrics) private readonly metrics: ServiceMetrics,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(ShutdownRegistry) private readonly shutdown: ShutdownRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const logger = logFunction(this.logger);
    const relay = new OutboxRelay({
      name: this.config.SERVICE_NAME,
      pool: this.pool,
      kafka: this.kafka,
      registry: this.metrics.registry,
      // Fewer kafkajs retries per send: the relay retries forever with its own
      // (interruptible) backoff, so a stop is not held up by a long send to a dead broker.
      producerRetries: 2,
      faults: this.faults, // `publish` rules on the payments topic (a slow or failing broker)
      logger,
    });
    relay.start();
    this.shutdown.onShutdown('outbox-relay', () => relay.stop());

    if (this.config.RECONCILIATION_ENABLED) {
      const reconciliation = this.reconciliationWorker(logger);
      reconciliation.start();
      this.shutdown.onShutdown('reconciliation', () => reconciliation.stop());
    }

    // Creating topics on an unreachable broker must not hold the shutdown up for long (2 s).
    const stopTopics = ensureTopicsInBackground(this.kafka, [this.config.PAYMENTS_TOPIC], logger);
    this.shutdown.onShutdown('ensure-topics', stopTopics);
  }

  private reconciliationWorker(logger: LogFunction): ReconciliationWorker {
    const config = this.config;
    const queue = new PgReconciliationQueue(this.pool, {
      staleAfterMs: config.AUTHORIZATION_STALE_AFTER_MS,
      backoffBaseMs: config.RECONCILIATION_BACKOFF_BASE_MS,
      backoffMaxMs: config.RECONCILIATION_BACKOFF_MAX_MS,
    });
    const counters = reconciliationCounters(this.metrics.registry);
    const batch = config.RECONCILIATION_BATCH_SIZE;
    return new ReconciliationWorker(
      new ReconcilePayments(queue, this.uow, this.provider, batch, logger, (outcome) =>
        counters.reconciled.inc({ outcome }),
      ),
      new RetryPendingRefunds(queue, this.refundPayment, batch, logger, (outcome) =>
        counters.refundRetries.inc({ outcome }),
      ),
      config.RECONCILIATION_INTERVAL_MS,
      logger,
    );
  }
}
