import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { FastifyReply } from 'fastify';
import { catchError, defaultIfEmpty, finalize, from, last, mergeMap, Observable, of } from 'rxjs';
import {
  type ClaimPart,
  type CompletedInStatement,
  type IdempotencyLease,
  IdempotencyInFlightError,
  IdempotencyKeyInvalidError,
  IdempotencyKeyMissingError,
  IdempotencyKeyReusedError,
  type IdempotencyStore,
  isIdempotencyKeyConflict,
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
 * what that statement stored is the answer, and stores the answer itself when it is not. On a
 * route marked `claimInStatement` the handler's first statement also claims the key
 * (`idempotentClaim`): no claim of the interceptor's unless that statement met the key.
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
    if (meta.claimInStatement && store instanceof PostgresIdempotencyStore) {
      return this.claimInStatement(next, store, { scope, key, fingerprint }, reply);
    }
    return this.claimFirst(next, store, { scope, key, fingerprint }, reply);
  }

  /** Claims the key (one statement of its own), then runs the handler or answers without it. */
  private claimFirst(
    next: CallHandler,
    store: IdempotencyStore,
    { scope, key, fingerprint }: KeyOfRequest,
    reply: FastifyReply,
  ): Observable<unknown> {
    return from(store.begin(scope, key, fingerprint)).pipe(
      mergeMap((begun) => {
        switch (begun.outcome) {
          case 'replay':
            return of(replay(reply, begun.response));
          case 'in_flight':
            throw new IdempotencyInFlightError(begun.retryAfterMs);
          case 'mismatch':
            throw new IdempotencyKeyReusedError();
          case 'started': {
            const done = this.registry.keysInFlight.add(scope, key, fingerprint);
            const state =
              store instanceof PostgresIdempotencyStore
                ? new RequestKey(store, begun.lease, fingerprint, this.replayHeaders(), true)
                : undefined;
            return this.execute(next, store, begun.lease, state, reply).pipe(finalize(done));
          }
        }
      }),
    );
  }

  /**
   * Runs the handler at once; its first statement claims the key (`idempotentClaim`, or
   * `idempotentCompletion` claiming and completing it). When that statement finds the key
   * taken, nothing of it was kept: the request then goes the {@link claimFirst} way, which
   * replays, refuses, or runs the handler again under a lease of its own.
   */
  private claimInStatement(
    next: CallHandler,
    store: PostgresIdempotencyStore,
    request: KeyOfRequest,
    reply: FastifyReply,
  ): Observable<unknown> {
    const { scope, key, fingerprint } = request;
    const done = this.registry.keysInFlight.add(scope, key, fingerprint);
    const lease = { scope, key, lockToken: randomUUID() };
    const state = new RequestKey(store, lease, fingerprint, this.replayHeaders(), false);
    return this.execute(next, store, lease, state, reply).pipe(
      catchError((error: unknown) => {
        if (state.claimed || !isIdempotencyKeyConflict(error)) throw error;
        return this.claimFirst(next, store, request, reply);
      }),
      finalize(done),
    );
  }

  private replayHeaders(): readonly string[] {
    return this.registry.options.idempotency?.replayHeaders ?? DEFAULT_REPLAY_HEADERS;
  }

  /**
   * Runs the handler and settles the key: stores the answer for replay (unless the handler's
   * statement did, and stored the answer), or after a failure releases the key — or stores a
   * final failure as the answer.
   */
  private execute(
    next: CallHandler,
    store: IdempotencyStore,
    lease: IdempotencyLease,
    state: RequestKey | undefined,
    reply: FastifyReply,
  ): Observable<unknown> {
    const options = this.registry.options.idempotency ?? {};
    const replayHeaders = this.replayHeaders();
    // With the Postgres store, the handler may claim or complete the key inside its own
    // statements (idempotentClaim, idempotentCompletion): no round trips of ours then.
    const handled = state
      ? new Observable<unknown>((subscriber) =>
          runWithInStatementCompletion(state, () => next.handle().subscribe(subscriber)),
        )
      : next.handle();
    return handled.pipe(
      defaultIfEmpty(undefined),
      last(),
      mergeMap(async (body: unknown) => {
        const headers = pickHeaders(reply, replayHeaders);
        const answer = { status: reply.statusCode, headers, body };
        const completed = state?.completed;
        if (completed && sameResponse(completed.response, answer)) return body;
        if (completed)
          this.logger.error(
            `the response stored by the handler's statement differs from its answer (status ${completed.response.status} vs ${answer.status}); storing the answer`,
          );
        if (state?.claimed === false) {
          const replayed = await this.settleUnclaimed(store, state, answer, reply);
          return replayed ? replayed.body : body;
        }
        await (completed ? completed.replace(answer) : store.complete(lease, answer)).catch(
          (e: unknown) =>
            // The work is done and the client gets its answer; only the replay copy is lost, and
            // the key stays locked until its lease ends. Say so loudly (without the key).
            this.logger.error(`storing an idempotent response failed: ${String(e)}`),
        );
        return body;
      }),
      catchError(async (error: unknown) => {
        // A claim in the handler's statement that met the key: nothing to settle here.
        if (state?.claimed === false && isIdempotencyKeyConflict(error)) throw error;
        const final = options.finalErrorResponse?.(error);
        // A key the handler's statement completed before the failure: the failure is the answer.
        const completed = state?.completed;
        if (state?.claimed === false) {
          // Failed before claiming: nothing to release; a final failure is stored as the answer.
          const replayed = final && (await this.settleUnclaimed(store, state, final, reply));
          if (replayed) return replayed.body;
          throw error;
        }
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

  /**
   * A claim-in-statement request whose handler claimed nothing (it answered, or failed finally,
   * before its first statement): the key is claimed now and `answer` stored — or, when the key
   * exists, the request gets what a claim of its own would have given it: the stored answer
   * (returned as `{ body }`, the reply's status and headers set), 409 or 422.
   */
  private async settleUnclaimed(
    store: IdempotencyStore,
    state: RequestKey,
    answer: StoredResponse,
    reply: FastifyReply,
  ): Promise<{ body: unknown } | undefined> {
    const { scope, key } = state.lease;
    const begun = await store.begin(scope, key, state.fingerprint);
    switch (begun.outcome) {
      case 'started':
        await store
          .complete(begun.lease, answer)
          .catch((e: unknown) =>
            this.logger.error(`storing an idempotent response failed: ${String(e)}`),
          );
        return undefined;
      case 'replay':
        return { body: replay(reply, begun.response) };
      case 'in_flight':
        throw new IdempotencyInFlightError(begun.retryAfterMs);
      case 'mismatch':
        throw new IdempotencyKeyReusedError();
    }
  }
}

/** Answers with a stored response: its status and headers set, its body returned. */
function replay(reply: FastifyReply, response: StoredResponse): unknown {
  void reply.status(response.status);
  setHeaders(reply, { ...response.headers, [IDEMPOTENT_REPLAYED_HEADER]: 'true' });
  return response.body ?? undefined;
}

/** What identifies a request's key: whose it is, the key, and the request's fingerprint. */
interface KeyOfRequest {
  scope: string;
  key: string;
  fingerprint: string;
}

/**
 * The current request's key as its handler's statements see it: parts that claim it (on a
 * claim-in-statement route, until a statement has) or complete it (until a statement has), and
 * what those statements did, for the interceptor to settle.
 */
class RequestKey implements InStatementCompletionScope {
  completed: CompletedInStatement | undefined;

  constructor(
    private readonly store: PostgresIdempotencyStore,
    readonly lease: IdempotencyLease,
    readonly fingerprint: string,
    private readonly replayHeaders: readonly string[],
    /** Whether the key is claimed (a claim of its own, or a statement's; true once completed). */
    public claimed: boolean,
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
    const stored = { status: response.status, headers, body: response.body };
    const settled = (completed: CompletedInStatement | undefined) => {
      this.claimed = true;
      this.completed = completed;
    };
    return this.claimed
      ? this.store.statementPart(this.lease, stored, options, settled)
      : this.store.claimingStatementPart(this.lease, this.fingerprint, stored, options, settled);
  }

  claim(): ClaimPart | undefined {
    if (this.claimed || this.completed) return undefined;
    return this.store.claimPart(this.lease, this.fingerprint, () => {
      this.claimed = true;
    });
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

function pickHeaders(reply: FastifyReply, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = reply.getHeader(name);
    if (typeof value === 'string' || typeof value === 'number') picked[name] = String(value);
  }
  return picked;
}
