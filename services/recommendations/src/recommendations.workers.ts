import type { Provider } from '@nestjs/common';
import {
  BackgroundConsumer,
  createKafka,
  EventConsumer,
  kafkaSecurityFromConfig,
  type EventConsumerOptions,
} from '@rc/messaging';
import {
  JsonLogger,
  logFunction,
  SERVICE_CONFIG,
  ServiceMetrics,
  ShutdownRegistry,
} from '@rc/platform';
import { FaultInjector } from '@rc/resilience';
import { orderEventHandlers, orderEventsBatchHandler } from './api/order-placed.handler';
import { RecordOrder } from './application/record-order.command';
import type { RecommendationsConfig } from './config/recommendations.config';
import { RedisCoPurchaseModel } from './infrastructure/co-purchase-model.redis';

/**
 * Partitions of the orders topic the model consumer applies together (3 by default; a member
 * reading more joins the rest into the next call).
 */
const RECO_PARTITIONS_CONCURRENTLY = 8;

/**
 * How the model consumer handles `orders`: per event, or the `OrderPlaced` events of one fetch,
 * every partition's, learnt in one Redis round trip (the per-event handlers are its fallback).
 */
export function modelConsumerHandling(
  recordOrder: RecordOrder,
): Pick<
  EventConsumerOptions,
  'handlers' | 'batchHandler' | 'coalescePartitions' | 'partitionsConsumedConcurrently'
> {
  return {
    handlers: orderEventHandlers(recordOrder),
    batchHandler: orderEventsBatchHandler(recordOrder),
    coalescePartitions: true,
    partitionsConsumedConcurrently: RECO_PARTITIONS_CONCURRENTLY,
  };
}

/**
 * The recommendations' background work: the `orders` topic consumed into the co-purchase model
 * by a {@link BackgroundConsumer} (started with the module, retried until Kafka is there,
 * stopped on shutdown). Wired here, at the service's root, because it joins the Kafka edge (api:
 * the event handlers) to the adapters (infrastructure) — neither layer imports the other.
 */
export const recommendationsConsumerProvider: Provider = {
  provide: BackgroundConsumer,
  inject: [
    RedisCoPurchaseModel,
    SERVICE_CONFIG,
    ServiceMetrics,
    JsonLogger,
    ShutdownRegistry,
    FaultInjector,
  ],
  useFactory: (
    model: RedisCoPurchaseModel,
    config: RecommendationsConfig,
    metrics: ServiceMetrics,
    logger: JsonLogger,
    shutdown: ShutdownRegistry,
    faults: FaultInjector,
  ) => {
    const log = logFunction(logger);
    const kafka = createKafka({
      clientId: config.SERVICE_NAME,
      brokers: config.KAFKA_BROKERS,
      security: kafkaSecurityFromConfig(config),
      logger: log,
    });
    const handling = modelConsumerHandling(new RecordOrder(model));
    const consumer = new BackgroundConsumer({
      name: 'model consumer',
      kafka,
      topics: [config.RECO_ORDERS_TOPIC],
      log,
      // A fatal error (a broken deployment, not a bad message) exits: the orchestrator restarts.
      create: (onFatal) =>
        new EventConsumer({
          kafka,
          groupId: config.RECO_CONSUMER_GROUP,
          topics: [config.RECO_ORDERS_TOPIC],
          ...handling,
          maxWaitTimeMs: config.KAFKA_FETCH_MAX_WAIT_MS,
          registry: metrics.registry,
          logger: log,
          faults,
          onFatal,
        }),
    });
    consumer.start();
    shutdown.onShutdown('orders-consumer', () => consumer.stop());
    return consumer;
  },
};
