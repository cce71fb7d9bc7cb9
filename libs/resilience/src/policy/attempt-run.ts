import type { Bulkhead } from '../bulkhead/bulkhead';
import type { CircuitBreaker } from '../circuit-breaker/circuit-breaker';
import type { Clock } from '../clock';
import { DeadlineExceededError } from '../deadline/deadline.errors';
import type { Expirable, TimeoutQueue } from '../timeout/timeout-queue';
import { AttemptTimeoutError } from '../timeout/timeout.errors';
import type { AttemptContext, PolicyOperation } from './attempt-context';

/** What an attempt needs from its policy. */
export interface AttemptHost {
  readonly name: string;
  readonly clock: Clock;
  readonly timeouts: TimeoutQueue;
  readonly breaker: CircuitBreaker;
  readonly bulkhead: Bulkhead;
  attemptExpired(cutByDeadline: boolean): void;
}

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

/** `Promise.withResolvers` (Node 22+; the workspace's TS lib is ES2023, which lacks its type). */
const withResolvers = <T>(): Resolvers<T> =>
  (Promise as unknown as { withResolvers<U>(): Resolvers<U> }).withResolvers<T>();

/**
 * One attempt, already holding a breaker permit and a bulkhead slot, raced against its timeout.
 * The object is at once the operation's {@link AttemptContext}, its own entry in the policy's
 * {@link TimeoutQueue} and the caller signal's listener (`handleEvent`), so an attempt allocates
 * no closures, and its AbortController is only created if the operation reads `signal`.
 *
 * The first of three events settles the attempt and gives the breaker its verdict:
 * - the operation settles: success, or an error the breaker classifies;
 * - the timeout expires: the signal aborts and the caller gets {@link AttemptTimeoutError} (a
 *   breaker failure) — or {@link DeadlineExceededError} when the deadline, not the attempt
 *   timeout, set the limit (no failure verdict: a short caller budget says nothing about the
 *   dependency's errors — but an attempt that ran past the breaker's slow-call duration first
 *   counts as slow, see `CircuitBreaker.abandon`);
 * - the caller aborts: the signal aborts with the caller's reason (as for the deadline).
 * The bulkhead slot is given back only when the operation itself settles: an abandoned call
 * that ignores its signal is still load on the dependency, and the pool keeps counting it.
 */
export class AttemptRun<T> implements AttemptContext, Expirable {
  expireAt: number;
  prevExpirable: Expirable | undefined = undefined;
  nextExpirable: Expirable | undefined = undefined;
  private controller: AbortController | undefined = undefined;
  private abortReason: unknown = undefined;
  private done = false;
  private resolve: (value: T) => void = undefined as never;
  private reject: (reason: unknown) => void = undefined as never;

  // Positional, not an options object: one is made per attempt on every call's path (see
  // ResiliencePolicy.attempt for the measurement).
  constructor(
    private readonly host: AttemptHost,
    readonly attempt: number,
    private readonly timeoutMs: number,
    private readonly cutByDeadline: boolean,
    private readonly permit: number,
    private readonly parent: AbortSignal | undefined,
    private readonly startedAt: number,
  ) {
    this.expireAt = startedAt + timeoutMs;
  }

  /** Created on first read: an operation that never looks at it costs no AbortController. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Epoch ms at which this attempt is abandoned. */
  get deadlineAt(): number {
    return this.host.clock.now() + (this.expireAt - this.host.clock.monotonic());
  }

  /** Starts `fn`; the returned promise settles on the first of the three events. */
  start(fn: PolicyOperation<T>): Promise<T> {
    const { promise, resolve, reject } = withResolvers<T>();
    this.resolve = resolve;
    this.reject = reject;
    if (this.parent) {
      if (this.parent.aborted) {
        this.handleEvent();
        this.host.bulkhead.release();
        return promise;
      }
      this.parent.addEventListener('abort', this, { once: true });
    }
    this.host.timeouts.add(this);
    void this.invoke(fn);
    return promise;
  }

  /** Caller cancellation (EventListener object protocol). */
  handleEvent(): void {
    if (!this.finish()) return;
    this.abandon();
    const reason: unknown = this.parent?.reason;
    this.abort(reason);
    this.reject(reason);
  }

  /** The attempt's time is up (called by the timeout queue). */
  expire(): void {
    if (!this.finish()) return;
    this.host.attemptExpired(this.cutByDeadline);
    let error: Error;
    if (this.cutByDeadline) {
      this.abandon();
      error = new DeadlineExceededError(0, false, { dependency: this.host.name });
    } else {
      this.host.breaker.record(this.permit, this.timeoutMs, true);
      error = new AttemptTimeoutError(this.timeoutMs, this.host.name);
    }
    this.abort(error);
    this.reject(error);
  }

  private async invoke(fn: PolicyOperation<T>): Promise<void> {
    let value: T;
    try {
      value = await fn(this);
    } catch (error) {
      if (this.finish()) {
        if (this.parent?.aborted) this.abandon();
        else this.recordOutcome(error, true);
        this.reject(error);
      }
      this.host.bulkhead.release();
      return;
    }
    if (this.finish()) {
      this.recordOutcome(undefined, false);
      this.resolve(value);
    }
    this.host.bulkhead.release();
  }

  private recordOutcome(error: unknown, threw: boolean): void {
    const now = this.host.clock.monotonic();
    if (threw) this.host.breaker.recordError(this.permit, now - this.startedAt, error, now);
    else this.host.breaker.record(this.permit, now - this.startedAt, false, now);
  }

  /** The caller gave up on this attempt: no failure verdict (slow if it ran long enough). */
  private abandon(): void {
    const now = this.host.clock.monotonic();
    this.host.breaker.abandon(this.permit, now - this.startedAt, now);
  }

  private abort(reason: unknown): void {
    if (this.controller) this.controller.abort(reason);
    else this.abortReason = reason;
  }

  private finish(): boolean {
    if (this.done) return false;
    this.done = true;
    this.host.timeouts.remove(this);
    this.parent?.removeEventListener('abort', this);
    return true;
  }
}
