import type { FastifyRequest } from 'fastify';
import type { Clock } from '../clock';
import type { InboundDeadlineOptions } from '../deadline';
import type { FaultInjector } from '../fault-injection';
import type { IdempotencyStore, StoredResponse } from '../idempotency';
import type { AdaptiveConcurrencyLimiter, Criticality } from '../load-shedding';
import type { RateLimiter } from '../rate-limit';

/**
 * Runtime configuration of {@link ResilienceModule}. Every component is optional: a missing one
 * switches its interceptor off. Components are built by the service (it owns the Redis client,
 * the pg pool and the config) and handed in, so the adapter stays a thin layer.
 */
export interface ResilienceModuleOptions {
  /** Inbound rate limiting (429). Routes without a policy are not limited. */
  rateLimiter?: RateLimiter;
  /** Inbound adaptive load shedding (503). */
  loadShedder?: AdaptiveConcurrencyLimiter;
  /** Idempotency keys for handlers decorated with `@Idempotent()`. */
  idempotencyStore?: IdempotencyStore;
  /** Fault injection for inbound routes; also served by the admin API. */
  faultInjector?: FaultInjector;
  /**
   * Bearer token of the fault admin API (`/admin/faults`). Without one, the admin API refuses
   * every request. Never logged.
   */
  faultAdminToken?: string;
  /** Criticality of handlers without `@Criticality()`. Default `DEGRADED`. */
  defaultCriticality?: Criticality;
  /**
   * Who is calling: the rate-limit bucket and the idempotency-key scope. Default: the client IP
   * (`request.ip`; configure Fastify's `trustProxy` behind a proxy). Services with
   * authentication should return the authenticated principal instead.
   */
  clientId?: (request: FastifyRequest) => string;
  /** Inbound deadline (`x-request-timeout-ms`) handling. Default: on, no default budget. */
  deadline?: InboundDeadlineOptions & { enabled?: boolean };
  /** Idempotency header name, replayed headers and storing of final errors. */
  idempotency?: IdempotencyHttpOptions;
  /**
   * Which handler errors mean "overloaded" for the adaptive limit (a drop sample). Default:
   * toolkit errors whose code mentions TIMEOUT or DEADLINE.
   */
  isOverloadError?: (error: unknown) => boolean;
  clock?: Clock;
}

/** HTTP details of idempotency handling. */
export interface IdempotencyHttpOptions {
  /** Request header carrying the key. Default `idempotency-key`. */
  header?: string;
  /** Response headers stored and replayed (lower-case). Default `content-type`, `location`. */
  replayHeaders?: string[];
  /**
   * Maps a handler error to a response that is final for this key (stored and replayed, like
   * Stripe stores a decline), or undefined to release the key so the client may retry.
   * Default: every error releases the key — safe, since nothing the handler committed is
   * remembered as done; handlers that commit a business outcome should return it, not throw.
   */
  finalErrorResponse?: (error: unknown) => StoredResponse | undefined;
  /**
   * Every this many ms, delete expired keys (`purgeExpired`) from this instance. Default: off
   * (the service schedules `registry.idempotencyStore.purgeExpired()` itself).
   */
  purgeIntervalMs?: number;
  /** Keys deleted per purge run at most. Default 1000. */
  purgeBatchSize?: number;
  /**
   * HMAC key for request fingerprints. Set it (from a secret) when request bodies carry secrets
   * such as card tokens, so the stored fingerprint reveals nothing about them. Default: plain
   * SHA-256. Every replica must use the same key, or retries on another replica get 422.
   */
  fingerprintKey?: string;
}

/** Static choices of the module (made when the module is imported, before config resolves). */
export interface ResilienceModuleStaticOptions {
  /** Register the interceptors globally, in their fixed order. Default true. */
  globalInterceptors?: boolean;
  /** Mount the fault admin controller at `/admin/faults`. Default true. */
  faultAdmin?: boolean;
}

/** DI token of the resolved {@link ResilienceModuleOptions}. */
export const RESILIENCE_OPTIONS = Symbol('RESILIENCE_OPTIONS');
