import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import type { Pool } from 'pg';
import { SERVICE_CONFIG } from '../bootstrap/platform.module';
import { ShutdownRegistry } from '../lifecycle/shutdown-registry';
import { JsonLogger } from '../logging/json-logger';
import { logFunction } from '../logging/log-function';
import { ServiceMetrics } from '../metrics/http-metrics';
import { Housekeeping, type PruneTask, startHousekeeping } from './housekeeping';

/** The config key {@link housekeepingProvider} reads. */
export interface HousekeepingConfig {
  HOUSEKEEPING_INTERVAL_MS: number;
}

/** Options of {@link housekeepingProvider}. */
export interface HousekeepingProviderOptions<C extends HousekeepingConfig> {
  /** DI token the housekeeping is provided under (nothing needs to inject it). Default {@link Housekeeping}. */
  provide?: InjectionToken;
  /** DI token of the service's Postgres pool. */
  pool: InjectionToken;
  /** Further dependencies `tasks` needs (e.g. the resilience registry's idempotency store). */
  inject?: InjectionToken[];
  /** The tables to keep bounded, from the config, the pool and the `inject`ed dependencies. */
  tasks(config: C, pool: Pool, ...deps: unknown[]): readonly PruneTask[];
}

/**
 * A service's housekeeping as a Nest provider: {@link startHousekeeping} every
 * `HOUSEKEEPING_INTERVAL_MS` on the service's pool, metrics registry and log, stopped on
 * shutdown before the pool closes.
 */
export function housekeepingProvider<C extends HousekeepingConfig>(
  options: HousekeepingProviderOptions<C>,
): FactoryProvider<Housekeeping> {
  return {
    provide: options.provide ?? Housekeeping,
    inject: [
      SERVICE_CONFIG,
      options.pool,
      ServiceMetrics,
      JsonLogger,
      ShutdownRegistry,
      ...(options.inject ?? []),
    ],
    useFactory: (
      config: C,
      pool: Pool,
      metrics: ServiceMetrics,
      logger: JsonLogger,
      shutdown: ShutdownRegistry,
      ...deps: unknown[]
    ) =>
      startHousekeeping({
        pool,
        intervalMs: config.HOUSEKEEPING_INTERVAL_MS,
        tasks: options.tasks(config, pool, ...deps),
        registry: metrics.registry,
        log: logFunction(logger),
        shutdown,
      }),
  };
}
