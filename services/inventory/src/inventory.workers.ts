import type { Provider } from '@nestjs/common';
import { BackgroundConsumer, EventConsumer, OutboxRelay } from '@rc/messaging';
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

// The inventory's background work, each piece built, started and given its stop by its
// provider's factory (the services' one way): stopped before the pool closes, since the pool,
// a dependency, registered its close first. The expiry worker and the consumer write events to
// the outbox, so they inject the relay: it starts before them and stops after them.

/** The outbox relay: one leader among the replicas publishes the inventory's events. */
const outboxRelayProvider: Provider = {
  provide: OutboxRelay,
  inject: [
    SERVICE_CONFIG,
    PG_POOL,
    KAFKA,
    ServiceMetrics,
    JsonLogger,
    ShutdownRegistry,
    ResilienceRegistry,
  ],
  useFactory: (
    config: InventoryConfig,
    pool: Pool,
    kafka: Kafka,
    metrics: ServiceMetrics,
    logger: JsonLogger,
    shutdown: ShutdownRegistry,
    resilience: ResilienceRegistry,
  ) => {
    const relay = new OutboxRelay({
      name: config.SERVICE_NAME,
      pool,
      kafka,
      registry: metrics.registry,
      // Fewer kafkajs retries per send: the relay retries forever with its own
      // (interruptible) backoff, so a stop is not held up by a long send to a dead broker.
      producerRetries: 2,
      // The admin API's `publish` rules delay or fail the sends, as a slow or failing broker would.
      faults: resilience.faultInjector,
      logger: logFunction(logger),
    });
    relay.start();
    shutdown.onShutdown('outbox-relay', () => relay.stop());
    return relay;
  },
};

/** The expiry worker: every replica sweeps, sharing the due rows through SKIP LOCKED. */
const expiryWorkerProvider: Provider = {
  provide: ExpiryWorker,
  inject: [
    OutboxRelay,
    ExpireReservations,
    PgInventoryReader,
    SERVICE_CONFIG,
    ServiceMetrics,
    JsonLogger,
    ShutdownRegistry,
  ],
  useFactory: (
    _relay: OutboxRelay,
    expire: ExpireReservations,
    reader: PgInventoryReader,
    config: InventoryConfig,
    metrics: ServiceMetrics,
    logger: JsonLogger,
    shutdown: ShutdownRegistry,
  ) => {
    const expiry = new ExpiryWorker(expire, {
      intervalMs: config.EXPIRY_INTERVAL_MS,
      batchSize: config.EXPIRY_BATCH_SIZE,
      heldPastExpiry: () => reader.countHeldPastExpiry(),
      registry: metrics.registry,
      logger: logFunction(logger),
    });
    expiry.start();
    shutdown.onShutdown('expiry-worker', () => expiry.stop());
    return expiry;
  },
};

/**
 * The `orders` consumer (one group, the partitions split among replicas), run by a
 * {@link BackgroundConsumer}: started once Kafka has the orders and inventory topics, retried
 * until it runs, so a broker outage never blocks start-up or the HTTP path; a fatal error exits.
 * Wired here, at the service's root, because it joins the Kafka edge (api: the event handlers)
 * to the adapters (infrastructure) — neither layer imports the other.
 */
const orderConsumerProvider: Provider = {
  provide: BackgroundConsumer,
  inject: [
    OutboxRelay,
    SERVICE_CONFIG,
    KAFKA,
    PgInventoryUnitOfWork,
    CommitPlacedOrder,
    ReleaseReservation,
    ServiceMetrics,
    JsonLogger,
    ShutdownRegistry,
    ResilienceRegistry,
  ],
  useFactory: (
    _relay: OutboxRelay,
    config: InventoryConfig,
    kafka: Kafka,
    uow: PgInventoryUnitOfWork,
    placed: CommitPlacedOrder,
    release: ReleaseReservation,
    metrics: ServiceMetrics,
    logger: JsonLogger,
    shutdown: ShutdownRegistry,
    resilience: ResilienceRegistry,
  ) => {
    const log = logFunction(logger);
    const registry = metrics.registry;
    const orderEvents = {
      group: config.CONSUMER_GROUP,
      uow,
      placed,
      release,
      onPlaced: placedOrderMonitor(registry, log),
    };
    const handlers = orderEventHandlers(orderEvents);
    // A fetched batch of order events is applied in one transaction (per-event fallback).
    const batchHandler = orderEventsBatchHandler(orderEvents);
    const consumer = new BackgroundConsumer({
      name: 'order consumer',
      kafka,
      // The inventory topic too: the relay publishes to it.
      topics: [config.ORDERS_TOPIC, config.INVENTORY_TOPIC],
      log,
      create: (onFatal) =>
        new EventConsumer({
          kafka,
          groupId: config.CONSUMER_GROUP,
          topics: [config.ORDERS_TOPIC],
          handlers,
          batchHandler,
          // A stop waits for the fetch in flight (see KAFKA_FETCH_MAX_WAIT_MS).
          maxWaitTimeMs: config.KAFKA_FETCH_MAX_WAIT_MS,
          // A fetch answers as soon as one order event is there: a batch transaction holds the
          // stock rows of its orders until it commits, and reserves (the checkout path) wait on
          // them, so batches here only form from what arrived during the previous transaction.
          minBytes: 1,
          // The admin API's `consume` rules delay or fail the handling, as a slow handler would.
          faults: resilience.faultInjector,
          registry,
          logger: log,
          onFatal,
        }),
    });
    consumer.start();
    shutdown.onShutdown('order-consumer', () => consumer.stop());
    return consumer;
  },
};

/** The inventory's background work, for the module's `providers`. */
export const inventoryWorkers: Provider[] = [
  outboxRelayProvider,
  expiryWorkerProvider,
  orderConsumerProvider,
];
