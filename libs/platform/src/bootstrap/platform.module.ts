import { type DynamicModule, Global, Module } from '@nestjs/common';
import { HealthController } from '../health/health.controller';
import { HealthRegistry } from '../health/health-registry';
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
      ],
      exports: [SERVICE_CONFIG, JsonLogger, ServiceMetrics, HealthRegistry, ShutdownRegistry],
    };
  }
}
