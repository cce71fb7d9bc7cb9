import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { finalize, type Observable, tap, throwError } from 'rxjs';
import { IdempotencyInFlightError, requestFingerprint } from '../idempotency';
import type { Criticality, Permit, PermitOutcome } from '../load-shedding';
import { handlerMetadata, httpExchange, isExempt, routeName } from './http-context';
import { CRITICALITY_METADATA } from './resilience.decorators';
import { ResilienceRegistry } from './resilience.registry';

/** A permit taken at the door by {@link installEarlyShedding}, before the body was read. */
interface EarlyPermit {
  permit: Permit;
  /** Set once the interceptor took the permit over (it releases it then). */
  handed: boolean;
}
const EARLY_PERMIT = Symbol('rc.loadShedding.earlyPermit');
type WithEarlyPermit = FastifyRequest & { [EARLY_PERMIT]?: EarlyPermit };

/**
 * Admission control: takes a permit of the adaptive concurrency limit for the handler's
 * criticality (`@Criticality`, else the module default) or refuses at once with
 * `LoadShedError` (503, `Retry-After`, `x-retry: no`). The permit is held until the response
 * is produced; its RTT feeds the limit unless the handler failed for an unrelated reason.
 *
 * The first request of a route is admitted here; the route's criticality is then known
 * (`ResilienceRegistry.routeCriticality`) and later requests are admitted or shed by
 * {@link installEarlyShedding} at the door, before their body is read — this interceptor then
 * only takes over the permit.
 */
@Injectable()
export class LoadSheddingInterceptor implements NestInterceptor {
  constructor(
    private readonly registry: ResilienceRegistry,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const shedder = this.registry.loadShedder;
    const exchange = shedder && httpExchange(context);
    if (!exchange) return next.handle();
    const criticality = this.criticalityOf(context, exchange.request);
    if (criticality === 'exempt') return next.handle();
    const early = (exchange.request as WithEarlyPermit)[EARLY_PERMIT];
    let permit: Permit;
    if (early) {
      early.handed = true;
      permit = early.permit;
    } else {
      // A duplicate of a request running here is answered 409 at once, never shed (503).
      const duplicate =
        shedder.inflight >= shedder.capacityFor(criticality) &&
        runningHere(this.registry, exchange.request);
      if (duplicate)
        return throwError(() => new IdempotencyInFlightError(DUPLICATE_RETRY_AFTER_MS));
      try {
        permit = shedder.acquire(criticality);
      } catch (e) {
        return throwError(() => e);
      }
    }
    let outcome: PermitOutcome = 'ignore';
    return next.handle().pipe(
      tap({
        complete: () => (outcome = 'success'),
        error: (e: unknown) => (outcome = this.registry.isOverloadError(e) ? 'dropped' : 'ignore'),
      }),
      finalize(() => permit.release(outcome)),
    );
  }

  /** The route's criticality, read from its handler once and then from the registry. */
  private criticalityOf(
    context: ExecutionContext,
    request: FastifyRequest,
  ): Criticality | 'exempt' {
    const route = routeName(request);
    const known = this.registry.routeCriticality.get(route);
    if (known) return known;
    const criticality = isExempt(this.reflector, context)
      ? 'exempt'
      : (handlerMetadata<Criticality>(this.reflector, context, CRITICALITY_METADATA) ??
        this.registry.defaultCriticality);
    this.registry.routeCriticality.set(route, criticality);
    return criticality;
  }
}

/** `Retry-After` of a duplicate answered before it reached the key store. */
const DUPLICATE_RETRY_AFTER_MS = 1_000;

/**
 * Whether `request` repeats (same scope, key and fingerprint) an idempotent request that is
 * running in this process — see {@link LocalInFlightKeys}.
 */
function runningHere(registry: ResilienceRegistry, request: FastifyRequest): boolean {
  const key = request.headers[registry.idempotencyHeader];
  if (typeof key !== 'string' || !registry.keysInFlight.hasKey(key)) return false;
  const running = registry.keysInFlight.fingerprintOf(registry.clientIdOf(request), key);
  return (
    running !== undefined &&
    running ===
      requestFingerprint(
        { method: request.method, path: request.url, body: request.body },
        registry.options.idempotency?.fingerprintKey,
      )
  );
}

/**
 * Sheds at the door: an `onRequest` hook admits or refuses a request of a route whose
 * criticality the interceptor has learnt, before Fastify reads and parses its body and before
 * Nest builds its execution context — a refusal costs a routing lookup and the 503, which is
 * what keeps shed answers fast when the service is saturated. A permit whose request never
 * reaches the interceptor (the body was refused, the client went away) is released when the
 * response is sent or the request aborted.
 */
export function installEarlyShedding(fastify: FastifyInstance, registry: ResilienceRegistry): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const shedder = registry.loadShedder;
    const criticality = shedder && registry.routeCriticality.get(routeName(request));
    if (!criticality || criticality === 'exempt') return done();
    // A possible duplicate of a request running here: its scope may need the body, so the
    // interceptor decides (a duplicate gets 409, not 503).
    const key = request.headers[registry.idempotencyHeader];
    if (typeof key === 'string' && registry.keysInFlight.hasKey(key)) return done();
    let permit: Permit;
    try {
      permit = shedder.acquire(criticality);
    } catch (e) {
      return done(e as Error);
    }
    (request as WithEarlyPermit)[EARLY_PERMIT] = { permit, handed: false };
    done();
  });
  const releaseUnclaimed = (request: FastifyRequest) => {
    const early = (request as WithEarlyPermit)[EARLY_PERMIT];
    if (early && !early.handed) early.permit.release('ignore');
  };
  fastify.addHook('onResponse', (request, _reply, done) => {
    releaseUnclaimed(request);
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    releaseUnclaimed(request);
    done();
  });
}
