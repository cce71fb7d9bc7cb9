import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@rc/platform';
import { ChaosController } from './api/chaos.controller';
import { ControlController } from './api/control.controller';
import { LOAD_POLICY } from './api/load-policy';
import { PagesController } from './api/pages.controller';
import { ShopController } from './api/shop.controller';
import { ChaosCatalogue } from './application/chaos-catalogue';
import { ControlRoom } from './application/control-room';
import { FaultAdmin } from './application/fault-admin';
import { LoadGenerator } from './application/load-generator';
import { LoadSkus } from './application/load-skus';
import type { ConsoleConfig } from './config/console.config';
import { CustomerDirectory } from './domain/customer-directory';
import { FRONT_END_FILES } from './domain/front-end-files.port';
import type { PlatformEndpoint } from './domain/platform-endpoint';
import { UPSTREAM, type Upstream } from './domain/upstream.port';
import { customerDirectory } from './infrastructure/customer-credentials';
import { PLATFORM_DIRECTORY, platformDirectory } from './infrastructure/platform-directory';
import { PrometheusHistory } from './infrastructure/prometheus-history';
import { StaticFiles } from './infrastructure/static-files';
import { FetchUpstream } from './infrastructure/upstream';

/**
 * The console (tier 4): the storefront and control room front end, and its backend-for-frontend.
 * It calls the six services like any client; none of them knows it exists. Here, and only here,
 * the adapters (infrastructure/) are bound to the ports the api and application layers use.
 */
@Module({
  // Page routes last: their catch-all must not shadow the API.
  controllers: [ShopController, ControlController, ChaosController, PagesController],
  providers: [
    {
      provide: CustomerDirectory,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ConsoleConfig) => customerDirectory(config),
    },
    { provide: UPSTREAM, useClass: FetchUpstream },
    {
      provide: PLATFORM_DIRECTORY,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ConsoleConfig) => platformDirectory(config),
    },
    {
      provide: LoadGenerator,
      inject: [SERVICE_CONFIG, CustomerDirectory],
      useFactory: (config: ConsoleConfig, customers: CustomerDirectory) =>
        new LoadGenerator({
          customers,
          checkoutUrl: config.CHECKOUT_URL,
          maxRatePerSecond: config.LOAD_MAX_RATE,
          maxDurationMs: config.LOAD_MAX_DURATION_SECONDS * 1000,
          maxInFlight: config.LOAD_MAX_IN_FLIGHT,
          skus: config.LOAD_SKUS,
        }),
    },
    {
      provide: ControlRoom,
      inject: [SERVICE_CONFIG, PLATFORM_DIRECTORY, LoadGenerator],
      useFactory: (config: ConsoleConfig, services: PlatformEndpoint[], load: LoadGenerator) =>
        new ControlRoom({
          services,
          pollIntervalMs: config.POLL_INTERVAL_MS,
          timelineSeconds: config.TIMELINE_SECONDS,
          loadStatus: () => load.status(),
          ...(config.PROMETHEUS_URL
            ? {
                history: (from: number, to: number) =>
                  new PrometheusHistory(config.PROMETHEUS_URL).checkoutTimeline(from, to),
              }
            : {}),
        }),
    },
    {
      provide: FaultAdmin,
      inject: [SERVICE_CONFIG, PLATFORM_DIRECTORY, UPSTREAM],
      useFactory: (config: ConsoleConfig, services: PlatformEndpoint[], upstream: Upstream) =>
        new FaultAdmin(services, upstream, config.UPSTREAM_TIMEOUT_MS),
    },
    {
      provide: LoadSkus,
      inject: [SERVICE_CONFIG, UPSTREAM],
      useFactory: (config: ConsoleConfig, upstream: Upstream) =>
        new LoadSkus(
          upstream,
          config.INVENTORY_URL,
          config.LOAD_SKUS,
          config.STATIC_BESTSELLERS,
          config.UPSTREAM_TIMEOUT_MS,
        ),
    },
    {
      provide: LOAD_POLICY,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ConsoleConfig) => ({ loopbackOnly: config.LOAD_LOOPBACK_ONLY }),
    },
    {
      provide: ChaosCatalogue,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ConsoleConfig) =>
        new ChaosCatalogue(config.CHAOS_EXPERIMENTS_DIR, config.CHAOS_REPORTS_DIR),
    },
    {
      provide: FRONT_END_FILES,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ConsoleConfig) => new StaticFiles(config.STATIC_DIR),
    },
  ],
})
export class ConsoleModule {}
