import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ensureTopicsInBackground, EventConsumer, OutboxRelay } from '@rc/messaging';
import {
  JsonLogger,
  logFunction,
  SERVICE_CONFIG,
  ServiceMetrics,
  ShutdownRegistry,
} from '@rc/platform';
import { ResilienceRegistry } from '@rc/resilience/nest';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { orderEventHandlers, orderEventsBatchHandler } from './api/order-events.handlers';
import { CommitPlacedOrder } from './application/commit-placed-order.command';
import { ExpireReservations } from './application/expire-reservations.command';
import { ReleaseReservation } from './application/release-reservation.command';
import type { InventoryConfig } from './config/inventory.config';
import { ExpiryWorker } from './infrastructure/expiry.worker';
import { KAFKA, PG_POOL } from './infrastructure/inventory.tokens';
import { PgInventoryReader } from './infrastructure/pg-inventory.reader';
import { PgInventoryUnitOfWork } from './infrastructure/pg-inventory.unit-of-work';
import { placedOrderMonitor } from './infrastructure/placed-order.monitor';

/**
 * The inventory's background work, started once the HTTP app is built and stopped (before the
 * pool closes) on shutdown: the outbox relay (one leader among replicas), the expiry worker
 * (every replica, sharing rows through SKIP LOCKED) and the `orders` consumer (one group, the
 * partitions split among replicas). The consumer starts when Kafka and its topics are there,
 * in the background, so a broker outage never blocks start-up or the HTTP path.
 */
@Injectable()
export class InventoryWorkers implements OnApplicationBootstrap {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: InventoryConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PgInventoryUnitOfWork) private readonly uow: PgInventoryUnitOfWork,
    @Inject(CommitPlacedOrder) private readonly placed: CommitPlacedOrder,
    @Inject(ReleaseReservation) private readonly release: ReleaseReservation,
    @Inject(ExpireReservations) private readonly expire: ExpireReservations,
    @Inject(PgInventoryReader) private readonly reader: PgInventoryReader,
    @Inject(ServiceMetrics) private readonly metrics: ServiceMetrics,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(ShutdownRegistry) private readonly shutdown: ShutdownRegistry,
    @Inject(ResilienceRegistry) private readonly resilience: ResilienceRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const { config, metrics, shutdown } = this;
    const logger = logFunction(this.logger);
    const registry = metrics.registry;
    // The admin API's rules: `publish` ones delay or fail the relay's sends, `consume` ones the
    // order events' handling, as a slow or failing broker would.
    const faults = this.resilience.faultInjector;

    const relay = new OutboxRelay({
      name: config.SERVICE_NAME,
      pool: this.pool,
      kafka: this.kafka,
      registry,
      // Fewer kafkajs retries per send: the relay retries forever with its own
      // (interruptible) backoff, so a stop is not held up by a long send to a dead broker.
      producerRetries: 2,
      faults,
      logger,
    });
    relay.start();
    shutdown.onShutdown('outbox-relay', () => relay.stop());

    const expiry = new ExpiryWorker(this.expire, {
      intervalMs: config.EXPIRY_INTERVAL_MS,
      batchSize: config.EXPIRY_BATCH_SIZE,
      heldPastExpiry: () => this.reader.countHeldPastExpiry(),
      registry,
      logger,
    });
    expiry.start();
    shutdown.onShutdown('expiry-worker', () => expiry.stop());

    const orderEvents = {
      group: config.CONSUMER_GROUP,
      uow: this.uow,
      placed: this.placed,
      release: this.release,
      onPlaced: placedOrderMonitor(registry, logger),
    };
    const consumer = new EventConsumer({
      kafka: this.kafka,
      groupId: config.CONSUMER_GROUP,
      topics: [config.ORDERS_TOPIC],
      handlers: orderEventHandlers(orderEvents),
      // A fetched batch of order events is applied in one transaction (per-event fallback).
      batchHandler: orderEventsBatchHandler(orderEvents),
      // A stop waits for the fetch in flight: 1 s bounds the shutdown delay it adds.
      maxWaitTimeMs: 1_000,
      // A fetch answers as soon as one order event is there: a batch transaction holds the
      // stock rows of its orders until it commits, and reserves (the checkout path) wait on
      // them, so batches here only form from what arrived during the previous transaction.
      minBytes: 1,
      faults,
      registry,
      logger,
      onFatal: (error) => {
        // The consumer, not a message, is broken (e.g. a missing table): stop the process so the
        // orchestrator restarts it and alerts, instead of running half-alive.
        this.logger.write('error', 'order consumer stopped on a fatal error; exiting', {
          err: String(error),
        });
        process.exit(1);
      },
    });
    const stopStarting = ensureTopicsInBackground(
      this.kafka,
      [config.ORDERS_TOPIC, config.INVENTORY_TOPIC],
      logger,
      { then: () => consumer.start() },
    );
    shutdown.onShutdown('order-consumer', async () => {
      await stopStarting();
      await consumer.stop();
    });
  }
}
