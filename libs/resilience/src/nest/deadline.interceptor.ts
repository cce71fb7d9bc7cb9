import { trace } from '@opentelemetry/api';
import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';
import {
  DeadlineExceededError,
  deadlineFromHttpHeaders,
  InvalidDeadlineHeaderError,
  runWithDeadline,
} from '../deadline';
import { RequestDeadlineExceededError, RequestDeadlineHeaderError } from './deadline-http.errors';
import { httpExchange } from './http-context';
import { ResilienceRegistry } from './resilience.registry';

/**
 * Reads the caller's remaining budget (`x-request-timeout-ms`) into the request-scoped deadline
 * (`runWithDeadline` of the toolkit), so every outbound call made by the handler honours it.
 * A request whose budget is already spent is answered 504 at once, without running the
 * handler; a deadline error escaping the handler becomes a 504 too.
 */
@Injectable()
export class DeadlineInterceptor implements NestInterceptor {
  constructor(private readonly registry: ResilienceRegistry) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const exchange = httpExchange(context);
    const options = this.registry.options.deadline ?? {};
    if (!exchange || options.enabled === false) return next.handle();
    let deadlineAt: number | undefined;
    try {
      deadlineAt = deadlineFromHttpHeaders(exchange.request.headers, {
        ...options,
        clock: this.registry.clock,
      });
    } catch (e) {
      if (e instanceof InvalidDeadlineHeaderError)
        return throwError(() => new RequestDeadlineHeaderError(e.header));
      throw e;
    }
    if (deadlineAt === undefined) return next.handle();
    const left = deadlineAt - this.registry.clock.now();
    // The budget this hop was given, on its SERVER span: one trace shows it shrink hop by hop.
    trace.getActiveSpan()?.setAttribute('resilience.deadline.remaining_ms', Math.round(left));
    if (left <= 0) return throwError(() => new RequestDeadlineExceededError(left, true));
    // Subscribe inside the deadline scope, not just build the chain there: inner interceptors
    // that await something (a Redis rate-limit call, an idempotency insert) register their
    // continuations at subscription time, and those must carry the deadline to the handler.
    const at = deadlineAt;
    return new Observable<unknown>((subscriber) =>
      runWithDeadline(at, () => next.handle().subscribe(subscriber)),
    ).pipe(
      catchError((e: unknown) =>
        throwError(() =>
          e instanceof DeadlineExceededError && !(e instanceof RequestDeadlineExceededError)
            ? new RequestDeadlineExceededError(e.remainingMs, e.requestNotSent, { cause: e })
            : e,
        ),
      ),
    );
  }
}
