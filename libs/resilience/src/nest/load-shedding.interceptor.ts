import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { finalize, type Observable, tap, throwError } from 'rxjs';
import type { Criticality, PermitOutcome } from '../load-shedding';
import { handlerMetadata, httpExchange, isExempt } from './http-context';
import { CRITICALITY_METADATA } from './resilience.decorators';
import { ResilienceRegistry } from './resilience.registry';

/**
 * Admission control: takes a permit of the adaptive concurrency limit for the handler's
 * criticality (`@Criticality`, else the module default) or refuses at once with
 * `LoadShedError` (503, `Retry-After`, `x-retry: no`). The permit is held until the response
 * is produced; its RTT feeds the limit unless the handler failed for an unrelated reason.
 */
@Injectable()
export class LoadSheddingInterceptor implements NestInterceptor {
  constructor(
    private readonly registry: ResilienceRegistry,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const shedder = this.registry.loadShedder;
    if (!shedder || !httpExchange(context) || isExempt(this.reflector, context))
      return next.handle();
    const criticality =
      handlerMetadata<Criticality>(this.reflector, context, CRITICALITY_METADATA) ??
      this.registry.defaultCriticality;
    let permit;
    try {
      permit = shedder.acquire(criticality);
    } catch (e) {
      return throwError(() => e);
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
}
