import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ensureTopicsInBackground, OutboxRelay } from '@rc/messaging';
import {
  JsonLogger,
  logFunction,
  SERVICE_CONFIG,
  ServiceMetrics,
  ShutdownRegistry,
} from '@rc/platform';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { PaymentConfig } from './config/payment.config';
import { KAFKA, PG_POOL } from './infrastructure/payment.tokens';

/**
 * The payment service's background work: the outbox relay (one leader among replicas),
 * started once the app is built and stopped before the pool closes. The `payments` topic is
 * ensured in the background: a broker outage delays events, never charges.
 */
@Injectable()
export class PaymentWorkers implements OnApplicationBootstrap {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: PaymentConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: Kafka,
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
      logger,
    });
    relay.start();
    this.shutdown.onShutdown('outbox-relay', () => relay.stop());

    // Creating topics on an unreachable broker must not hold the shutdown up for long (2 s).
    const stopTopics = ensureTopicsInBackground(this.kafka, [this.config.PAYMENTS_TOPIC], logger);
    this.shutdown.onShutdown('ensure-topics', stopTopics);
  }
}
