import { Module } from '@nestjs/common';
import { createKafka, ensureTopicsInBackground, kafkaSecurityFromConfig } from '@rc/messaging';
import {
  createRedis,
  HealthRegistry,
  JsonLogger,
  logFunction,
  redisCheck,
  SERVICE_CONFIG,
  ServiceMetrics,
  ShutdownRegistry,
} from '@rc/platform';
import type { Redis } from 'ioredis';
import { once } from 'node:events';
import type { Kafka } from 'kafkajs';
import type { CartConfig } from '../config/cart.config';
import { CART_EVENT_SINK } from '../domain/cart-events.port';
import { CART_REPOSITORY } from '../domain/cart.repository';
import { BufferedCartEventPublisher } from './buffered-cart-event-publisher';
import { RedisCartRepository } from './cart.redis-repository';
import { KafkaEventBatchSender } from './kafka-event-batch-sender';

/**
 * Waits (bounded) for the first Redis connection, so the first requests after start-up do not
 * fail on a connection still being made. A Redis that is down does not stop the start: the
 * service comes up not ready and serves once Redis is back.
 */
async function untilReady(redis: Redis, waitMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    once(redis, 'ready'),
    new Promise((resolve) => (timer = setTimeout(resolve, waitMs))),
  ]).finally(() => clearTimeout(timer));
}

/** DI tokens of the cart's clients. */
export const CART_REDIS = Symbol('CartRedis');
export const CART_KAFKA = Symbol('CartKafka');

/**
 * The cart's adapters: the Redis client (readiness depends on it: no Redis, no carts), the
 * repository, and the best-effort event publisher. Kafka is deliberately not a readiness
 * dependency: with Kafka down carts keep working and events are dropped (and counted).
 */
@Module({
  providers: [
    {
      provide: CART_REDIS,
      inject: [SERVICE_CONFIG, ShutdownRegistry, HealthRegistry],
      useFactory: async (
        config: CartConfig,
        shutdown: ShutdownRegistry,
        health: HealthRegistry,
      ) => {
        const redis = createRedis(config.REDIS_URL, {
          shutdown,
          commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
        });
        health.register('redis', redisCheck(redis));
        await untilReady(redis, config.REDIS_CONNECT_WAIT_MS);
        return redis;
      },
    },
    {
      provide: CART_KAFKA,
      inject: [SERVICE_CONFIG, JsonLogger],
      useFactory: (config: CartConfig, logger: JsonLogger): Kafka =>
        createKafka({
          clientId: config.SERVICE_NAME,
          brokers: config.KAFKA_BROKERS,
          security: kafkaSecurityFromConfig(config),
          logger: logFunction(logger),
          connectionTimeoutMs: 1_000,
          // Few, short retries: the publisher has its own backoff, and nothing waits on Kafka.
          retry: { retries: 2, maxRetryTime: 2_000 },
        }),
    },
    {
      provide: CART_REPOSITORY,
      inject: [CART_REDIS, SERVICE_CONFIG],
      useFactory: (redis: Redis, config: CartConfig) =>
        new RedisCartRepository(redis, {
          keyPrefix: config.CART_KEY_PREFIX,
          ttlMs: config.CART_TTL_SECONDS * 1000,
          maxLines: config.CART_MAX_LINES,
        }),
    },
    {
      provide: CART_EVENT_SINK,
      inject: [CART_KAFKA, SERVICE_CONFIG, ServiceMetrics, JsonLogger, ShutdownRegistry],
      useFactory: (
        kafka: Kafka,
        config: CartConfig,
        metrics: ServiceMetrics,
        logger: JsonLogger,
        shutdown: ShutdownRegistry,
      ) => {
        const log = logFunction(logger);
        const stopTopics = ensureTopicsInBackground(kafka, [config.CART_EVENTS_TOPIC], log);
        const publisher = new BufferedCartEventPublisher({
          sender: new KafkaEventBatchSender(kafka, config.CART_EVENTS_TOPIC),
          capacity: config.CART_EVENTS_BUFFER_CAPACITY,
          batchSize: config.CART_EVENTS_BATCH_SIZE,
          lingerMs: config.CART_EVENTS_LINGER_MS,
          retryBackoff: { baseMs: 500, maxMs: 10_000 },
          drainTimeoutMs: config.CART_EVENTS_DRAIN_TIMEOUT_MS,
          registry: metrics.registry,
          logger: log,
        });
        publisher.start();
        shutdown.onShutdown('cart-events', async () => {
          await stopTopics();
          await publisher.stop();
        });
        return publisher;
      },
    },
  ],
  exports: [CART_REDIS, CART_REPOSITORY, CART_EVENT_SINK],
})
export class CartInfrastructureModule {}
