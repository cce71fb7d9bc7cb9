import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isDeepStrictEqual } from 'node:util';
import type { FastifyReply } from 'fastify';
import { catchError, defaultIfEmpty, finalize, from, last, mergeMap, Observable, of } from 'rxjs';
import {
  type CompletedInStatement,
  type IdempotencyLease,
  IdempotencyInFlightError,
  IdempotencyKeyInvalidError,
  IdempotencyKeyMissingError,
  IdempotencyKeyReusedError,
  type IdempotencyStore,
  type InStatementCompletionScope,
  PostgresIdempotencyStore,
  requestFingerprint,
  runWithInStatementCompletion,
  type StatementCompletionOptions,
  type StatementPart,
  type StoredResponse,
} from '../idempotency';
import { handlerMetadata, httpExchange, setHeaders } from './http-context';
import { IDEMPOTENT_METADATA, type IdempotentOptions } from './resilience.decorators';
import { ResilienceRegistry } from './resilience.registry';

/** Header set on a replayed response. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

const DEFAULT_REPLAY_HEADERS = ['content-type', 'location'];

/**
 * Idempotency for handlers marked `@Idempotent()`: the key (`Idempotency-Key`) is scoped per
 * client, the request is fingerprinted (method, URL, canonical body), and the store decides —
 * run the handler and store its response, replay a stored response (same status, stored
 * headers, body, plus `idempotent-replayed: true`), or refuse (409 in flight, 422 reused).
 * A handler error releases the key so the client can retry, unless `finalErrorResponse`
 * declares it final. With the Postgres store, a handler may complete the key inside its own
 * last statement (`idempotentCompletion`, one round trip fewer); the interceptor checks that
 * what that statement stored is the answer, and stores the answer itself when it is not.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly registry: ResilienceRegistry,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const meta = handlerMetadata<Required<IdempotentOptions>>(
      this.reflector,
      context,
      IDEMPOTENT_METADATA,
    );
    const exchange = httpExchange(context);
    if (!meta || !exchange) return next.handle();
    const store = this.registry.idempotencyStore;
    if (!store)
      throw new Error('@Idempotent() handler, but ResilienceModule has no idempotencyStore');
    const { request, reply } = exchange;
    const header = this.registry.idempotencyHeader;
    const key = request.headers[header];
    if (key === undefined) {
      if (meta.required) throw new IdempotencyKeyMissingError(header);
      return next.handle();
    }
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
      throw new IdempotencyKeyInvalidError('expected one value of 1 to 255 characters');
    }
    const scope = this.registry.clientIdOf(request);
    const fingerprint = requestFingerprint(
      { method: request.method, path: request.url, body: request.body },
      this.registry.options.idempotency?.fingerprintKey,
    );
    return from(store.begin(scope, key, fingerprint)).pipe(
      mergeMap((begun) => {
        switch (begun.outcome) {
          case 'replay':
            void reply.status(begun.response.status);
            setHeaders(reply, { ...begun.response.headers, [IDEMPOTENT_REPLAYED_HEADER]: 'true' });
            return of(begun.response.body ?? undefined);
          case 'in_flight':
            throw new IdempotencyInFlightError(begun.retryAfterMs);
          case 'mismatch':
            throw new IdempotencyKeyReusedError();
          case 'started': {
            const done = this.registry.keysInFlight.add(scope, key, fingerprint);
            return this.execute(next, store, begun.lease, reply).pipe(finalize(done));
          }
        }
      }),
    );
  }

  private execute(
    next: CallHandler,
    store: IdempotencyStore,
    lease: IdempotencyLease,
    reply: FastifyReply,
  ): Observable<unknown> {
    const options = this.registry.options.idempotency ?? {};
    const replayHeaders = options.replayHeaders ?? DEFAULT_REPLAY_HEADERS;
    // With the Postgres store, the handler may complete the key inside its own statement
    // (idempotentCompletion): no completion round trip of ours then.
    const inStatement =
      store instanceof PostgresIdempotencyStore
        ? new RequestCompletion(store, lease, replayHeaders)
        : undefined;
    const handled = inStatement
      ? new Observable<unknown>((subscriber) =>
          runWithInStatementCompletion(inStatement, () => next.handle().subscribe(subscriber)),
        )
      : next.handle();
    return handled.pipe(
      defaultIfEmpty(undefined),
      last(),
      mergeMap(async (body: unknown) => {
        const headers = pickHeaders(reply, replayHeaders);
        const answer = { status: reply.statusCode, headers, body };
        const completed = inStatement?.completed;
        if (completed && sameResponse(completed.response, answer)) return body;
        if (completed)
          this.logger.error(
            `the response stored by the handler's statement differs from its answer (status ${completed.response.status} vs ${answer.status}); storing the answer`,
          );
        await (completed ? completed.replace(answer) : store.complete(lease, answer)).catch(
          (e: unknown) =>
            // The work is done and the client gets its answer; only the replay copy is lost, and
            // the key stays locked until its lease ends. Say so loudly (without the key).
            this.logger.error(`storing an idempotent response failed: ${String(e)}`),
        );
        return body;
      }),
      catchError(async (error: unknown) => {
        const final = options.finalErrorResponse?.(error);
        // A key the handler's statement completed before the failure: the failure is the answer.
        const completed = inStatement?.completed;
        const settled = completed
          ? final
            ? completed.replace(final)
            : completed.forget()
          : final
            ? store.complete(lease, final)
            : store.release(lease);
        await settled.catch((e: unknown) =>
          this.logger.error(`settling an idempotency key after a failure failed: ${String(e)}`),
        );
        throw error;
      }),
    );
  }
}

/**
 * The current request's completion inside its handler's statement: hands out a part until a
 * statement has completed the key, and keeps what it stored for the interceptor to check.
 */
class RequestCompletion implements InStatementCompletionScope {
  completed: CompletedInStatement | undefined;

  constructor(
    private readonly store: PostgresIdempotencyStore,
    private readonly lease: IdempotencyLease,
    private readonly replayHeaders: readonly string[],
  ) {}

  part(response: StoredResponse, options?: StatementCompletionOptions): StatementPart | undefined {
    if (this.completed) return undefined;
    // The replayed headers only, named as pickHeaders names them (as configured).
    const given = Object.entries(response.headers);
    const headers: Record<string, string> = {};
    for (const name of this.replayHeaders) {
      const found = given.find(([n]) => n.toLowerCase() === name.toLowerCase());
      if (found) headers[name] = found[1];
    }
    return this.store.statementPart(
      this.lease,
      { status: response.status, headers, body: response.body },
      options,
      (completed) => {
        this.completed = completed;
      },
    );
  }
}

/** Same status, replayed headers and body (as JSON: key order and `undefined` fields aside). */
function sameResponse(stored: StoredResponse, answer: StoredResponse): boolean {
  return (
    stored.status === answer.status &&
    isDeepStrictEqual(stored.headers, answer.headers) &&
    // The stored body came back from jsonb: JSON already; only the answer needs normalising.
    isDeepStrictEqual(stored.body ?? null, asJson(answer.body))
  );
}

function asJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

function pickHeaders(reply: FastifyReply, names: string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = reply.getHeader(name);
    if (typeof value === 'string' || typeof value === 'number') picked[name] = String(value);
  }
  return picked;
}
