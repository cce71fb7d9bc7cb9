import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type Clock, systemClock } from '../clock';
import { isResilienceError } from '../resilience.errors';
import type { FaultInjector } from '../fault-injection';
import type { IdempotencyStore } from '../idempotency';
import type { AdaptiveConcurrencyLimiter, Criticality } from '../load-shedding';
import type { RateLimiter } from '../rate-limit';
import { RESILIENCE_OPTIONS, type ResilienceModuleOptions } from './resilience.options';

/**
 * The injectable facade over the configured components: interceptors read it, and services
 * inject it to reach the same instances (e.g. `registry.faultInjector?.wrapOutbound(...)` in
 * their HTTP clients, or `registry.idempotencyStore?.purgeExpired()` from a scheduler).
 */
@Injectable()
export class ResilienceRegistry {
  /** The module options as given. */
  readonly options: ResilienceModuleOptions;
  readonly clock: Clock;

  constructor(@Inject(RESILIENCE_OPTIONS) options: ResilienceModuleOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  get rateLimiter(): RateLimiter | undefined {
    return this.options.rateLimiter;
  }

  get loadShedder(): AdaptiveConcurrencyLimiter | undefined {
    return this.options.loadShedder;
  }

  get idempotencyStore(): IdempotencyStore | undefined {
    return this.options.idempotencyStore;
  }

  get faultInjector(): FaultInjector | undefined {
    return this.options.faultInjector;
  }

  get defaultCriticality(): Criticality {
    return this.options.defaultCriticality ?? 'DEGRADED';
  }

  /** Identity of the caller (rate-limit bucket, idempotency scope). */
  clientIdOf(request: FastifyRequest): string {
    return this.options.clientId?.(request) ?? request.ip;
  }

  /** Whether a handler error is an overload signal for the adaptive concurrency limit. */
  isOverloadError(error: unknown): boolean {
    if (this.options.isOverloadError) return this.options.isOverloadError(error);
    return isResilienceError(error) && /TIMEOUT|DEADLINE/.test(error.code);
  }
}
