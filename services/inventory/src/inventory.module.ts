import { Module } from '@nestjs/common';
import { inbox, outbox } from '@rc/messaging';
import {
  clientIdOf,
  housekeepingProvider,
  SERVICE_CONFIG,
  ServiceMetrics,
  serviceTokenVerifierProvider,
} from '@rc/platform';
import {
  inboundResilience,
  ResilienceModule,
  type ResilienceModuleOptions,
  ResilienceRegistry,
} from '@rc/resilience/nest';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import { ProductsController } from './api/products.controller';
import { ReservationsController } from './api/reservations.controller';
import { CommitPlacedOrder } from './application/commit-placed-order.command';
import { CommitReservation } from './application/commit-reservation.command';
import { ExpireReservations } from './application/expire-reservations.command';
import { GetProduct } from './application/get-product.query';
import { GetReservation } from './application/get-reservation.query';
import { ListProducts } from './application/list-products.query';
import { ReleaseReservation } from './application/release-reservation.command';
import { ReserveStock } from './application/reserve-stock.command';
import type { InventoryConfig } from './config/inventory.config';
import { InventoryInfrastructureModule } from './infrastructure/infrastructure.module';
import type { OrderStatusPort } from './domain/order-status.port';
import { ORDER_STATUS, PG_POOL, REDIS } from './infrastructure/inventory.tokens';
import { PgInventoryReader } from './infrastructure/pg-inventory.reader';
import { PgInventoryUnitOfWork } from './infrastructure/pg-inventory.unit-of-work';
import { inventoryWorkers } from './inventory.workers';

/**
 * The routes with a per-client rate limit: the public catalogue. The reservation routes admit
 * platform services only (a service token, checked by `ServiceAuthGuard` before the pipeline);
 * their callers' own inbound traffic is limited at the edge, and overload here is the adaptive
 * limiter's job, so they spend no Redis call per request.
 */
export const RATE_LIMITED_ROUTES = ['GET /v1/products', 'GET /v1/products/:sku'] as const;

/**
 * Inbound protection of a tier-1 service: adaptive shedding (CRITICAL by default, browsing
 * DEGRADED), a per-client token bucket on the catalogue routes that fails open while Redis is
 * down, Postgres-backed idempotency keys (scoped by the calling service on the reservation
 * routes), deadlines from the caller, and runtime fault injection.
 */
function resilienceOptions(
  config: InventoryConfig,
  pool: Pool,
  redis: Redis,
  metrics: ServiceMetrics,
): ResilienceModuleOptions {
  return inboundResilience({
    service: config.SERVICE_NAME,
    registry: metrics.registry,
    redis,
    rateLimit: {
      routes: RATE_LIMITED_ROUTES,
      perClientPerSecond: config.RATE_LIMIT_PER_CLIENT_PER_SECOND,
      fallback: 'fail-open',
      // The buckets' name from before the platform default (`<service>:rl`): kept so a rolling
      // deploy never has two sets of buckets (twice the limit) for one client.
      keyPrefix: `rl:${config.SERVICE_NAME}`,
    },
    idempotencyStore: {
      pool,
      lockTimeoutMs: config.IDEMPOTENCY_LOCK_TIMEOUT_MS,
      ttlMs: config.IDEMPOTENCY_TTL_SECONDS * 1000,
    },
    faults: { rules: config.FAULT_RULES, allowDestructive: config.ALLOW_DESTRUCTIVE_FAULTS },
    adminToken: config.ADMIN_TOKEN,
    defaultCriticality: 'CRITICAL',
    clientId: clientIdOf,
  });
}

/** The inventory service: catalogue, stock and reservations (tier 1). */
@Module({
  imports: [
    InventoryInfrastructureModule,
    ResilienceModule.forRootAsync({
      imports: [InventoryInfrastructureModule],
      inject: [SERVICE_CONFIG, PG_POOL, REDIS, ServiceMetrics],
      useFactory: resilienceOptions,
    }),
  ],
  controllers: [ProductsController, ReservationsController],
  providers: [
    serviceTokenVerifierProvider('inventory'),
    {
      provide: ReserveStock,
      inject: [PgInventoryUnitOfWork],
      useFactory: (u: PgInventoryUnitOfWork) => new ReserveStock(u),
    },
    {
      provide: CommitReservation,
      inject: [PgInventoryUnitOfWork],
      useFactory: (u: PgInventoryUnitOfWork) => new CommitReservation(u),
    },
    {
      provide: ReleaseReservation,
      inject: [PgInventoryUnitOfWork],
      useFactory: (u: PgInventoryUnitOfWork) => new ReleaseReservation(u),
    },
    {
      provide: CommitPlacedOrder,
      inject: [PgInventoryUnitOfWork],
      useFactory: (u: PgInventoryUnitOfWork) => new CommitPlacedOrder(u),
    },
    {
      provide: ExpireReservations,
      inject: [PgInventoryUnitOfWork, ORDER_STATUS, SERVICE_CONFIG],
      useFactory: (u: PgInventoryUnitOfWork, orders: OrderStatusPort, config: InventoryConfig) =>
        new ExpireReservations(u, orders, { recheckAfterMs: config.EXPIRY_RECHECK_INTERVAL_MS }),
    },
    {
      provide: ListProducts,
      inject: [PgInventoryReader],
      useFactory: (r: PgInventoryReader) => new ListProducts(r),
    },
    {
      provide: GetProduct,
      inject: [PgInventoryReader],
      useFactory: (r: PgInventoryReader) => new GetProduct(r),
    },
    {
      provide: GetReservation,
      inject: [PgInventoryReader],
      useFactory: (r: PgInventoryReader) => new GetReservation(r),
    },
    housekeepingProvider<InventoryConfig>({
      pool: PG_POOL,
      inject: [ResilienceRegistry],
      tasks: (config, pool, resilience: ResilienceRegistry) => [
        outbox.pruneTask(pool, config.OUTBOX_RETENTION_MS),
        inbox.pruneTask(pool, config.INBOX_RETENTION_MS),
        ...resilience.pruneTasks(),
      ],
    }),
    ...inventoryWorkers,
  ],
})
export class InventoryModule {}
