import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { HealthController } from '../health/health.controller';
import { HealthRegistry } from '../health/health-registry';
import { RequestContextInterceptor } from '../http/request-context.interceptor';
import { ShutdownRegistry } from '../lifecycle/shutdown-registry';
import { JsonLogger } from '../logging/json-logger';
import { MetricsController } from '../metrics/metrics.controller';
import { ServiceMetrics } from '../metrics/http-metrics';

/** Injection token of the service's validated config object (platform keys + its own). */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/** The platform's per-process singletons, created by the bootstrap before Nest starts. */
export interface PlatformServices {
  config: Record<string, unknown>;
  logger: JsonLogger;
  metrics: ServiceMetrics;
  health: HealthRegistry;
  shutdown: ShutdownRegistry;
}

/**
 * Global module giving every provider of a service the config (`@Inject(SERVICE_CONFIG)`), the
 * JSON logger, the metrics registry, the readiness registry and the shutdown registry, and
 * serving `/health/*` and `/metrics`.
 *
 * It also installs {@link RequestContextInterceptor} as an `APP_INTERCEPTOR`. Nest runs
 * `APP_INTERCEPTOR`s in module scan order and before any `app.useGlobalInterceptors(...)`; this
 * module is the bootstrap root's first import, so the request context and the server span are
 * active in every interceptor a service adds (the resilience adapter's load shedding, rate
 * limit and fault injection record their decisions on that span).
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(services: PlatformServices): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: services.config },
        { provide: JsonLogger, useValue: services.logger },
        { provide: ServiceMetrics, useValue: services.metrics },
        { provide: HealthRegistry, useValue: services.health },
        { provide: ShutdownRegistry, useValue: services.shutdown },
        { provide: APP_INTERCEPTOR, useClass: RequestContextInterceptor },
      ],
      exports: [SERVICE_CONFIG, JsonLogger, ServiceMetrics, HealthRegistry, ShutdownRegistry],
    };
  }
}
