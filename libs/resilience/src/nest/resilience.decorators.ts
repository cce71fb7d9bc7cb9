import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { Criticality as CriticalityClass } from '../load-shedding';

/** Metadata keys read by the interceptors. */
export const CRITICALITY_METADATA = 'rc:resilience:criticality';
export const IDEMPOTENT_METADATA = 'rc:resilience:idempotent';
export const RATE_LIMIT_METADATA = 'rc:resilience:rate-limit';
export const SKIP_RESILIENCE_METADATA = 'rc:resilience:skip';

/**
 * How important a handler's (or a controller's) requests are when the service must shed load:
 * `CRITICAL` is shed last, `SHEDDABLE` first. Without it the module's `defaultCriticality`
 * applies.
 */
export const Criticality = (criticality: CriticalityClass): MethodDecorator & ClassDecorator =>
  SetMetadata(CRITICALITY_METADATA, criticality);

/** Options of {@link Idempotent}. */
export interface IdempotentOptions {
  /** Refuse requests without an `Idempotency-Key` (400). Default true. */
  required?: boolean;
  /**
   * Claim the key inside the handler's first statement instead of in a statement of its own
   * (Postgres store only; one round trip and one commit fewer per request): the handler hands
   * `idempotentClaim()` — or `idempotentCompletion()`, claiming and completing in one — to that
   * statement. Only for a handler whose first effect is that statement: everything before it
   * runs before the key is claimed, and runs again when the key turns out to be free after the
   * statement met it (an expired key taken over). Default false.
   */
  claimInStatement?: boolean;
}

/**
 * Makes a mutating handler idempotent per `Idempotency-Key`: the first request executes, its
 * response is stored and replayed to retries (`idempotent-replayed: true`); 400 without a key
 * when required, 409 while the first is still running, 422 when the key is reused for a
 * different request.
 */
export const Idempotent = (options: IdempotentOptions = {}): MethodDecorator =>
  applyDecorators(
    SetMetadata(IDEMPOTENT_METADATA, {
      required: options.required ?? true,
      claimInStatement: options.claimInStatement ?? false,
    }),
  );

/**
 * Names the rate-limit policy of a handler or controller (a key of the limiter's `routes`).
 * Without it, the policy named `"<METHOD> <route template>"` (e.g. `"POST /v1/checkout"`)
 * applies if the limiter has one; otherwise the route is not limited.
 */
export const RateLimit = (policy: string): MethodDecorator & ClassDecorator =>
  SetMetadata(RATE_LIMIT_METADATA, policy);

/**
 * Exempts a handler or controller from load shedding, rate limiting and fault injection:
 * health, metrics and the fault admin API must stay reachable while the service is under
 * stress or under an experiment.
 */
export const SkipResilience = (): MethodDecorator & ClassDecorator =>
  SetMetadata(SKIP_RESILIENCE_METADATA, true);
