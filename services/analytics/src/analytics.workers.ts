import type { Provider } from '@nestjs/common';
import { BackgroundConsumer } from '@rc/messaging';
import {
  JsonLogger,
  logFunction,
  SERVICE_CONFIG,
  ServiceMetrics,
  ShutdownRegistry,
} from '@rc/platform';
import { FaultInjector } from '@rc/resilience';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { analyticsBatchHandler, analyticsEventHandlers } from './api/analytics-events.handler';
import { RecordEvent } from './application/record-event.command';
import type { AnalyticsConfig } from './config/analytics.config';
import { createAnalyticsConsumer } from './infrastructure/analytics-consumer.factory';
import { ANALYTICS_KAFKA, ANALYTICS_PG } from './infrastructure/analytics-infrastructure.module';
import { PgAnalyticsProjection } from './infrastructure/analytics.pg-projection';

/**
 * The analytics' background work: every topic consumed into the Postgres aggregates by a
 * {@link BackgroundConsumer} (started with the module, retried until Kafka is there, stopped on
 * shutdown). Wired here, at the service's root, because it joins the Kafka edge (api: the event
 * handlers) to the adapters (infrastructure) — neither layer imports the other.
 */
export const analyticsConsumerProvider: Provider = {
  provide: BackgroundConsumer,
  inject: [
    ANALYTICS_PG,
    ANALYTICS_KAFKA,
    SERVICE_CONFIG,
    ServiceMetrics,
    JsonLogger,
    ShutdownRegistry,
    FaultInjector,
  ],
  useFactory: (
    pool: Pool,
    kafka: Kafka,
    config: AnalyticsConfig,
    metrics: ServiceMetrics,
    logger: JsonLogger,
    shutdown: ShutdownRegistry,
    faults: FaultInjector,
  ) => {
    const log = logFunction(logger);
    const recordEvent = new RecordEvent(
      new PgAnalyticsProjection(pool, config.ANALYTICS_CONSUMER_GROUP),
    );
    const handlers = analyticsEventHandlers(recordEvent);
    const batchHandler = analyticsBatchHandler(recordEvent);
    const consumer = new BackgroundConsumer({
      name: 'analytics consumer',
      kafka,
      topics: config.ANALYTICS_TOPICS,
      log,
      // A fatal error (missing table, bad credentials: a broken deployment, not a bad message)
      // stops without committing and exits: the orchestrator restarts the process.
      create: (onFatal) =>
        createAnalyticsConsumer({
          kafka,
          groupId: config.ANALYTICS_CONSUMER_GROUP,
          topics: config.ANALYTICS_TOPICS,
          handlers,
          batchHandler,
          maxAttempts: config.ANALYTICS_MAX_ATTEMPTS,
          maxWaitTimeMs: config.KAFKA_FETCH_MAX_WAIT_MS,
          registry: metrics.registry,
          logger: log,
          faults,
          onFatal,
        }),
    });
    consumer.start();
    shutdown.onShutdown('analytics-consumer', () => consumer.stop());
    return consumer;
  },
};
