import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type Clock, systemClock } from '../clock';
import { isResilienceError } from '../resilience.errors';
import type { FaultInjector } from '../fault-injection';
import { type IdempotencyStore, LocalInFlightKeys } from '../idempotency';
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
  /**
   * Criticality of each route (`"POST /v1/orders"`) as its handler declared it, `exempt` for
   * `@SkipResilience` routes — learnt by the load-shedding interceptor from each route's first
   * request, so later requests can be shed before their body is read.
   */
  readonly routeCriticality = new Map<string, Criticality | 'exempt'>();
  /** Idempotency keys whose request runs in this process (a duplicate gets 409 before shedding). */
  readonly keysInFlight = new LocalInFlightKeys();

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

  /**
   * The housekeeping tasks of the stores held here (the expired idempotency keys' purge; none
   * without a store or with one that expires keys by itself, like Redis), in the shape of `@rc/platform`'s `PruneTask`.
   */
  pruneTasks(): { table: string; prune: (limit: number) => Promise<number> }[] {
    const task = this.idempotencyStore?.pruneTask?.();
    return task ? [task] : [];
  }

  get faultInjector(): FaultInjector | undefined {
    return this.options.faultInjector;
  }

  get defaultCriticality(): Criticality {
    return this.options.defaultCriticality ?? 'DEGRADED';
  }

  /** The idempotency key header's name, lower case. */
  get idempotencyHeader(): string {
    return (this.options.idempotency?.header ?? 'idempotency-key').toLowerCase();
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
