import { Module } from '@nestjs/common';
import {
  clientIdOf,
  customerTokenVerifierProvider,
  SERVICE_CONFIG,
  ServiceMetrics,
} from '@rc/platform';
import { inboundResilience, ResilienceModule } from '@rc/resilience/nest';
import type { Redis } from 'ioredis';
import { CartController } from './api/cart.controller';
import { GetCart } from './application/get-cart.query';
import { RemoveCartItem } from './application/remove-cart-item.command';
import { SetCartItem } from './application/set-cart-item.command';
import type { CartConfig } from './config/cart.config';
import { CART_EVENT_SINK, type CartEventSink } from './domain/cart-events.port';
import { CART_REPOSITORY, type CartRepository } from './domain/cart.repository';
import { CartStoreUnavailableError } from './domain/cart.errors';
import { CART_REDIS, CartInfrastructureModule } from './infrastructure/cart-infrastructure.module';

/** The routes with a per-client rate limit (all of them but health, metrics and admin). */
const LIMITED_ROUTES = [
  'GET /v1/carts/:cartId',
  'POST /v1/carts/:cartId/items',
  'DELETE /v1/carts/:cartId/items/:sku',
];

/**
 * The cart service: Redis carts behind the inbound protection of the resilience toolkit —
 * adaptive load shedding (cart requests are DEGRADED: shed before checkout's), a per-client
 * rate limit with a local fallback while Redis is down, Idempotency-Keys kept in Redis (the
 * library's `RedisIdempotencyStore`), and the fault-injection admin API.
 */
@Module({
  imports: [
    CartInfrastructureModule,
    ResilienceModule.forRootAsync({
      imports: [CartInfrastructureModule],
      inject: [SERVICE_CONFIG, ServiceMetrics, CART_REDIS],
      useFactory: (config: CartConfig, metrics: ServiceMetrics, redis: Redis) =>
        inboundResilience({
          service: config.SERVICE_NAME,
          registry: metrics.registry,
          redis,
          rateLimit: {
            routes: LIMITED_ROUTES,
            perClientPerSecond: config.RATE_LIMIT_PER_CLIENT_PER_SECOND,
            fallback: 'local',
            keyPrefix: `${config.CART_KEY_PREFIX}rl`,
          },
          // cart owns no database: its keys live in Redis, beside the carts.
          idempotencyStore: {
            redis,
            keyPrefix: `${config.CART_KEY_PREFIX}idem:`,
            ttlMs: config.IDEMPOTENCY_TTL_SECONDS * 1000,
            unavailable: (cause) => new CartStoreUnavailableError(cause),
          },
          faults: { rules: config.FAULT_RULES, allowDestructive: config.ALLOW_DESTRUCTIVE_FAULTS },
          adminToken: config.ADMIN_TOKEN,
          defaultCriticality: 'DEGRADED',
          clientId: clientIdOf,
        }),
    }),
  ],
  controllers: [CartController],
  providers: [
    customerTokenVerifierProvider(),
    {
      provide: GetCart,
      inject: [CART_REPOSITORY],
      useFactory: (carts: CartRepository) => new GetCart(carts),
    },
    {
      provide: SetCartItem,
      inject: [CART_REPOSITORY, CART_EVENT_SINK],
      useFactory: (carts: CartRepository, events: CartEventSink) => new SetCartItem(carts, events),
    },
    {
      provide: RemoveCartItem,
      inject: [CART_REPOSITORY, CART_EVENT_SINK],
      useFactory: (carts: CartRepository, events: CartEventSink) =>
        new RemoveCartItem(carts, events),
    },
  ],
})
export class CartModule {}
