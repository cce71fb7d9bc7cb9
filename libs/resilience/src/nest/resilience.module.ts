import {
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
  Module,
  type OnModuleInit,
  Optional,
  type Provider,
} from '@nestjs/common';
import { APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AdminTokenGuard } from './admin-token.guard';
import { DeadlineInterceptor } from './deadline.interceptor';
import { FaultAdminController } from './fault-admin.controller';
import { FaultInjectionInterceptor } from './fault-injection.interceptor';
import { IdempotencyPurger } from './idempotency-purger';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { installEarlyShedding, LoadSheddingInterceptor } from './load-shedding.interceptor';
import { RateLimitInterceptor } from './rate-limit.interceptor';
import {
  RESILIENCE_OPTIONS,
  type ResilienceModuleOptions,
  type ResilienceModuleStaticOptions,
} from './resilience.options';
import { ResilienceRegistry } from './resilience.registry';

/**
 * The inbound interceptors in their one fixed order (outer → inner):
 * deadline (504 before anything else) → load shedding (cheapest refusal, holds the permit for
 * the whole request) → rate limit (a Redis round trip, only for admitted work) → fault
 * injection (inside shedding, so the limit sees injected latency) → idempotency (innermost, so
 * only work that will really run takes a key, and a replay is never corrupted at the source).
 */
export const INBOUND_INTERCEPTORS = [
  DeadlineInterceptor,
  LoadSheddingInterceptor,
  RateLimitInterceptor,
  FaultInjectionInterceptor,
  IdempotencyInterceptor,
] as const;

/** Options of {@link ResilienceModule.forRootAsync}. */
export interface ResilienceModuleAsyncOptions
  extends ResilienceModuleStaticOptions, Pick<ModuleMetadata, 'imports'> {
  /** Providers passed to `useFactory` (e.g. the config service, the pg pool). */
  inject?: FactoryProvider['inject'];
  /** Builds the runtime options (components, token, defaults). */
  useFactory: (...args: never[]) => ResilienceModuleOptions | Promise<ResilienceModuleOptions>;
}

/**
 * The NestJS adapter of the toolkit, imported once by a service (global): provides
 * {@link ResilienceRegistry}, registers the inbound interceptors globally in their fixed order
 * and mounts the fault admin API at `/admin/faults`.
 */
@Module({})
export class ResilienceModule implements OnModuleInit {
  constructor(
    private readonly registry: ResilienceRegistry,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  /** With a load shedder on a Fastify server, sheds at the door too (`installEarlyShedding`). */
  onModuleInit(): void {
    const server = this.adapterHost?.httpAdapter?.getInstance?.<FastifyInstance | undefined>();
    if (this.registry.loadShedder && typeof server?.addHook === 'function')
      installEarlyShedding(server, this.registry);
  }

  /** Configures the module with ready-built components. */
  static forRoot(
    options: ResilienceModuleOptions & ResilienceModuleStaticOptions = {},
  ): DynamicModule {
    return ResilienceModule.build({ provide: RESILIENCE_OPTIONS, useValue: options }, options, []);
  }

  /** Configures the module from a factory (config, pools and clients injected). */
  static forRootAsync(options: ResilienceModuleAsyncOptions): DynamicModule {
    const provider: FactoryProvider = {
      provide: RESILIENCE_OPTIONS,
      useFactory: options.useFactory as (...args: unknown[]) => unknown,
      inject: options.inject ?? [],
    };
    return ResilienceModule.build(provider, options, options.imports ?? []);
  }

  private static build(
    optionsProvider: Provider,
    statics: ResilienceModuleStaticOptions,
    imports: NonNullable<ModuleMetadata['imports']>,
  ): DynamicModule {
    const global =
      statics.globalInterceptors === false
        ? []
        : INBOUND_INTERCEPTORS.map((useClass) => ({ provide: APP_INTERCEPTOR, useClass }));
    return {
      module: ResilienceModule,
      global: true,
      imports,
      providers: [
        optionsProvider,
        ResilienceRegistry,
        AdminTokenGuard,
        IdempotencyPurger,
        ...INBOUND_INTERCEPTORS,
        ...global,
      ],
      controllers: statics.faultAdmin === false ? [] : [FaultAdminController],
      exports: [
        RESILIENCE_OPTIONS,
        ResilienceRegistry,
        AdminTokenGuard,
        IdempotencyPurger,
        ...INBOUND_INTERCEPTORS,
      ],
    };
  }
}
