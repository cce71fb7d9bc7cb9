import type { FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { FaultInjector } from '../fault-injection';
import {
  type IdempotencyRetentionOptions,
  type IdempotencyStore,
  PostgresIdempotencyStore,
  RedisIdempotencyStore,
  type RedisIdempotencyStoreOptions,
} from '../idempotency';
import {
  AdaptiveConcurrencyLimiter,
  type AdaptiveConcurrencyLimiterOptions,
  type Criticality,
} from '../load-shedding';
import {
  RateLimiter,
  type RateLimitFallback,
  type RateLimitPolicy,
  type RedisScriptClient,
} from '../rate-limit';
import type { ResilienceModuleOptions } from './resilience.options';

/** A per-client rate limit on some routes: one shared policy, per-route overrides. */
export interface InboundRateLimitOptions {
  /**
   * The limited routes, as the limiter names them (`"GET /v1/products/:sku"`); a record gives a
   * route its own overrides of the shared policy (e.g. another `fallback`). Routes not listed
   * are not limited.
   */
  routes: readonly string[] | Readonly<Record<string, Partial<RateLimitPolicy>>>;
  /** Requests a client may make per second on each route (the bucket, refilled in 1 s). */
  perClientPerSecond: number;
  /** What the routes do while Redis cannot answer (tier 1: `fail-open`). */
  fallback: RateLimitFallback;
  /** Redis key prefix of the buckets. Default `<service>:rl`. */
  keyPrefix?: string;
}

/** Idempotency keys in the service's own Postgres (the migration applied). */
export interface PostgresIdempotencyOptions extends IdempotencyRetentionOptions {
  pool: Pool;
  /** Schema of the table. Default `public`. */
  schema?: string;
}

/** Idempotency keys in Redis (services without a database). */
export interface RedisIdempotencyOptions extends IdempotencyRetentionOptions {
  redis: RedisIdempotencyStoreOptions['redis'];
  /** Key prefix. Default `<service>:idem:`. */
  keyPrefix?: string;
  /** The error raised while Redis is down. Default the library's 503. */
  unavailable?: (cause: unknown) => Error;
}

/** The service's fault injector (shared with its outbound code), or the rules to build one. */
export type InboundFaultsOption = FaultInjector | { rules: unknown; allowDestructive?: boolean };

/** What {@link inboundResilience} needs: the platform's defaults fill in the rest. */
export interface InboundResilienceOptions extends Pick<
  ResilienceModuleOptions,
  'deadline' | 'idempotency' | 'isOverloadError' | 'clock'
> {
  /** The service's name: names the adaptive limiter and prefixes its Redis keys. */
  service: string;
  /** The service's metrics registry; every component registers there. */
  registry: Registry;
  /** The Redis of the rate-limit buckets (required with `rateLimit`). */
  redis?: RedisScriptClient;
  /**
   * Adaptive load shedding: on by default (Gradient2, the default criticality shares); an
   * object overrides the limiter's options (e.g. `algorithm`), `false` switches it off.
   */
  loadShedding?: false | Omit<AdaptiveConcurrencyLimiterOptions, 'name' | 'registry'>;
  /** Per-client rate limit. Default none (e.g. services whose callers are all authenticated services). */
  rateLimit?: InboundRateLimitOptions;
  /** Where idempotency keys live (`@Idempotent()` handlers). Default none. */
  idempotencyStore?: PostgresIdempotencyOptions | RedisIdempotencyOptions | IdempotencyStore;
  /** Fault injection on inbound routes, served by the admin API. */
  faults: InboundFaultsOption;
  /** Bearer token of `/admin/faults` (from the service's config; never logged). */
  adminToken: string;
  /** Criticality of handlers without `@Criticality()`: the service's tier. */
  defaultCriticality: Criticality;
  /** Who is calling: the rate-limit bucket and the idempotency scope. */
  clientId: (request: FastifyRequest) => string;
}

/**
 * The platform's inbound protection for one service, as {@link ResilienceModuleOptions}: an
 * adaptive concurrency limiter named after the service, a per-client token bucket on the listed
 * routes (`<service>:rl`), idempotency keys in Postgres or Redis, the fault injector and its
 * admin token, the service's default criticality and caller identity. Each service states only
 * what differs; everything it leaves out is the platform default or off.
 */
export function inboundResilience(options: InboundResilienceOptions): ResilienceModuleOptions {
  const { service, registry } = options;
  return {
    loadShedder:
      options.loadShedding === false
        ? undefined
        : new AdaptiveConcurrencyLimiter({ ...options.loadShedding, name: service, registry }),
    rateLimiter: options.rateLimit && rateLimiter(options, options.rateLimit),
    idempotencyStore:
      options.idempotencyStore && idempotencyStore(options, options.idempotencyStore),
    faultInjector:
      options.faults instanceof FaultInjector
        ? options.faults
        : new FaultInjector({ ...options.faults, registry }),
    faultAdminToken: options.adminToken,
    defaultCriticality: options.defaultCriticality,
    clientId: options.clientId,
    deadline: options.deadline,
    idempotency: options.idempotency,
    isOverloadError: options.isOverloadError,
    clock: options.clock,
  };
}

function rateLimiter(
  options: InboundResilienceOptions,
  limit: InboundRateLimitOptions,
): RateLimiter {
  if (!options.redis) throw new TypeError(`${options.service}: rateLimit needs a redis client`);
  const shared: RateLimitPolicy = {
    limit: limit.perClientPerSecond,
    windowMs: 1_000,
    fallback: limit.fallback,
  };
  const routes = isRouteList(limit.routes)
    ? limit.routes.map((route) => [route, shared] as const)
    : Object.entries(limit.routes).map(([route, own]) => [route, { ...shared, ...own }] as const);
  return new RateLimiter({
    redis: options.redis,
    keyPrefix: limit.keyPrefix ?? `${options.service}:rl`,
    routes: Object.fromEntries(routes),
    registry: options.registry,
    clock: options.clock,
  });
}

function idempotencyStore(
  options: InboundResilienceOptions,
  store: NonNullable<InboundResilienceOptions['idempotencyStore']>,
): IdempotencyStore {
  const { registry } = options;
  if ('begin' in store) return store;
  if ('pool' in store) return new PostgresIdempotencyStore({ ...store, registry });
  return new RedisIdempotencyStore({
    ...store,
    keyPrefix: store.keyPrefix ?? `${options.service}:idem:`,
    registry,
  });
}

function isRouteList(routes: InboundRateLimitOptions['routes']): routes is readonly string[] {
  return Array.isArray(routes);
}
