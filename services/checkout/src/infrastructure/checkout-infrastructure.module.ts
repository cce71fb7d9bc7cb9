import { Module } from '@nestjs/common';
import { TOPICS } from '@rc/contracts';
import {
  createKafka,
  ensureTopicsInBackground,
  kafkaSecurityFromConfig,
  OutboxRelay,
} from '@rc/messaging';
import {
  JsonLogger,
  logFunction,
  pgPoolProvider,
  redisProvider,
  SERVICE_CONFIG,
  ServiceMetrics,
  servicePrivateKey,
  ServiceTokenSigner,
  ShutdownRegistry,
  withServiceToken,
} from '@rc/platform';
import {
  createKeepAliveFetch,
  FaultInjector,
  PolicyRegistry,
  ResilientHttpClient,
} from '@rc/resilience';
import type { Pool } from 'pg';
import { CachedCatalog } from '../application/cached-catalog';
import { CachedRecommendations } from '../application/cached-recommendations';
import { CHECKOUT_METRICS } from '../application/checkout-metrics';
import type { CheckoutConfig } from '../config/checkout.config';
import { CART_PORT } from '../domain/ports/cart.port';
import { CATALOG_PORT } from '../domain/ports/catalog.port';
import { ORDER_REPOSITORY } from '../domain/ports/order.repository';
import { PAYMENT_PORT } from '../domain/ports/payment.port';
import { RECOMMENDATION_PORT } from '../domain/ports/recommendation.port';
import { RESERVATION_PORT } from '../domain/ports/reservation.port';
import { migrateCheckoutDatabase } from './checkout.migrations';
import {
  PromCheckoutMetrics,
  priceCacheLookups,
  recommendationsCacheLookups,
} from './checkout.prom-metrics';
import { CartHttpAdapter } from './http/cart.http-adapter';
import { CatalogHttpAdapter } from './http/catalog.http-adapter';
import { faultInjectingFetch } from './http/fault-injecting-fetch';
import { buildOutboundPolicies, type OutboundDependency } from './http/outbound-policies';
import { PaymentHttpAdapter } from './http/payment.http-adapter';
import { RecommendationHttpAdapter } from './http/recommendation.http-adapter';
import { ReservationHttpAdapter } from './http/reservation.http-adapter';
import { PgOrderRepository } from './order.pg-repository';

/** DI token of the service's Postgres pool (migrated before anything uses it). */
export const CHECKOUT_PG_POOL = Symbol('CheckoutPgPool');
/** DI token of the Redis client of the rate limiter. */
export const CHECKOUT_REDIS = Symbol('CheckoutRedis');
/** DI token of the outbound HTTP clients: one per dependency, shared by its adapters. */
const CLIENTS = Symbol('CheckoutClients');

type Clients = Readonly<Record<OutboundDependency, ResilientHttpClient>>;

/**
 * Checkout's adapters: Postgres (orders, idempotency keys, outbox — the only readiness
 * dependency), Redis (rate limiting; fail-open), the outbox relay to Kafka (not a readiness
 * dependency: events wait in the outbox), the fault injector shared by inbound and outbound
 * rules, the named outbound policies and one HTTP adapter per port.
 */
@Module({
  providers: [
    pgPoolProvider<CheckoutConfig>({
      provide: CHECKOUT_PG_POOL,
      prepare: async (pool, _config, logger) => {
        const applied = await migrateCheckoutDatabase(pool);
        logger.write('info', 'database ready', { migrationsApplied: applied });
      },
    }),
    // Idempotency lookups and rate limits: a Redis that does not answer in 50 ms is treated as down.
    redisProvider<CheckoutConfig>(CHECKOUT_REDIS, 50),
    {
      provide: FaultInjector,
      inject: [SERVICE_CONFIG, ServiceMetrics],
      useFactory: (config: CheckoutConfig, metrics: ServiceMetrics) =>
        new FaultInjector({
          rules: config.FAULT_RULES,
          allowDestructive: config.ALLOW_DESTRUCTIVE_FAULTS,
          registry: metrics.registry,
        }),
    },
    {
      provide: PolicyRegistry,
      inject: [SERVICE_CONFIG, ServiceMetrics],
      useFactory: (config: CheckoutConfig, metrics: ServiceMetrics) =>
        buildOutboundPolicies(
          config.OUTBOUND_POLICIES_JSON,
          metrics.registry,
          config.RESILIENCE_PIPELINE_ENABLED,
        ),
    },
    {
      provide: CLIENTS,
      inject: [SERVICE_CONFIG, PolicyRegistry, FaultInjector],
      useFactory: (config: CheckoutConfig, policies: PolicyRegistry, faults: FaultInjector) => {
        const urls: Record<OutboundDependency, string> = {
          inventory: config.INVENTORY_URL,
          payment: config.PAYMENT_URL,
          cart: config.CART_URL,
          recommendations: config.RECOMMENDATIONS_URL,
        };
        // Inventory and payment admit platform services only: their calls carry checkout's
        // service token (signed about once a minute per audience, not per request).
        const tokens = new ServiceTokenSigner({
          issuer: 'checkout',
          key: servicePrivateKey(config.SERVICE_TOKEN_KEY),
        });
        const transports: Record<OutboundDependency, typeof fetch> = {
          inventory: withServiceToken(tokens, 'inventory', createKeepAliveFetch()),
          payment: withServiceToken(tokens, 'payment', createKeepAliveFetch()),
          cart: createKeepAliveFetch(),
          recommendations: createKeepAliveFetch(),
        };
        const clientOf = (name: OutboundDependency) =>
          new ResilientHttpClient({
            baseUrl: urls[name],
            policy: policies.get(name),
            // Its own keep-alive socket pool per dependency (and far cheaper than global fetch).
            fetch: faultInjectingFetch(faults, name, transports[name]),
          });
        const clients: Clients = {
          inventory: clientOf('inventory'),
          payment: clientOf('payment'),
          cart: clientOf('cart'),
          recommendations: clientOf('recommendations'),
        };
        return clients;
      },
    },
    {
      provide: CART_PORT,
      inject: [CLIENTS],
      useFactory: (clients: Clients) => new CartHttpAdapter(clients.cart),
    },
    {
      provide: CATALOG_PORT,
      inject: [CLIENTS, SERVICE_CONFIG, ServiceMetrics],
      useFactory: (clients: Clients, config: CheckoutConfig, metrics: ServiceMetrics) => {
        const lookups = priceCacheLookups(metrics.registry);
        return new CachedCatalog(new CatalogHttpAdapter(clients.inventory), {
          ttlMs: config.CATALOG_PRICE_TTL_MS,
          maxEntries: config.CATALOG_PRICE_CACHE_MAX,
          onLookup: (result) => lookups.inc({ result }),
        });
      },
    },
    {
      provide: RESERVATION_PORT,
      inject: [CLIENTS],
      useFactory: (clients: Clients) => new ReservationHttpAdapter(clients.inventory),
    },
    {
      provide: PAYMENT_PORT,
      inject: [CLIENTS],
      useFactory: (clients: Clients) => new PaymentHttpAdapter(clients.payment),
    },
    {
      provide: RECOMMENDATION_PORT,
      inject: [CLIENTS, SERVICE_CONFIG, ServiceMetrics],
      useFactory: (clients: Clients, config: CheckoutConfig, metrics: ServiceMetrics) => {
        const lookups = recommendationsCacheLookups(metrics.registry);
        const service = new RecommendationHttpAdapter(clients.recommendations, {
          limit: config.RECOMMENDATIONS_LIMIT,
          fallbackSkus: config.RECOMMENDATIONS_FALLBACK_SKUS,
          registry: metrics.registry,
        });
        return new CachedRecommendations(service, {
          ttlMs: config.RECOMMENDATIONS_TTL_MS,
          maxEntries: config.RECOMMENDATIONS_CACHE_MAX,
          onLookup: (result) => lookups.inc({ result }),
        });
      },
    },
    {
      provide: ORDER_REPOSITORY,
      inject: [CHECKOUT_PG_POOL],
      useFactory: (pool: Pool) => new PgOrderRepository(pool),
    },
    {
      provide: CHECKOUT_METRICS,
      inject: [ServiceMetrics],
      useFactory: (metrics: ServiceMetrics) => new PromCheckoutMetrics(metrics.registry),
    },
    {
      provide: OutboxRelay,
      inject: [
        SERVICE_CONFIG,
        CHECKOUT_PG_POOL,
        ServiceMetrics,
        JsonLogger,
        ShutdownRegistry,
        FaultInjector,
      ],
      useFactory: (
        config: CheckoutConfig,
        pool: Pool,
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
          // Short client-level retries: the relay retries forever with its own backoff, and a
          // long kafkajs retry would hold a shutdown up.
          retry: { retries: 2, maxRetryTime: 2_000 },
        });
        const relay = new OutboxRelay({
          name: config.SERVICE_NAME,
          pool,
          kafka,
          registry: metrics.registry,
          logger: log,
          faults, // `publish` rules (the console's "Kafka slow")
        });
        if (config.OUTBOX_RELAY_ENABLED) {
          const stopTopics = ensureTopicsInBackground(kafka, [TOPICS.orders], log);
          relay.start();
          shutdown.onShutdown('outbox-relay', async () => {
            await stopTopics();
            await relay.stop();
          });
        }
        return relay;
      },
    },
  ],
  exports: [
    CHECKOUT_PG_POOL,
    CHECKOUT_REDIS,
    FaultInjector,
    PolicyRegistry,
    CART_PORT,
    CATALOG_PORT,
    RESERVATION_PORT,
    PAYMENT_PORT,
    RECOMMENDATION_PORT,
    ORDER_REPOSITORY,
    CHECKOUT_METRICS,
    OutboxRelay,
  ],
})
export class CheckoutInfrastructureModule {}
