import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { OutboxRelay, whenKafkaReady } from '@rc/messaging';
import { JsonLogger, SERVICE_CONFIG, ServiceMetrics, ShutdownRegistry } from '@rc/platform';
import type { Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import type { PaymentConfig } from './config/payment.config';
import { messagingLogger } from './infrastructure/infrastructure.module';
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
    const logger = messagingLogger(this.logger);
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

    const stopping = new AbortController();
    const topics = whenKafkaReady(this.kafka, [this.config.PAYMENTS_TOPIC], async () => undefined, {
      signal: stopping.signal,
      logger,
    });
    this.shutdown.onShutdown('ensure-topics', async () => {
      stopping.abort();
      // Creating topics on an unreachable broker must not hold the shutdown up for long.
      await Promise.race([topics, sleep(2_000, undefined, { ref: false })]);
    });
  }
}
