import type { Bulkhead } from '../bulkhead/bulkhead';
import type { CircuitBreaker } from '../circuit-breaker/circuit-breaker';
import type { Clock } from '../clock';
import { DeadlineExceededError } from '../deadline/deadline.errors';
import type { TimerScheduler } from '../timeout/timer-scheduler';
import { AttemptTimeoutError } from '../timeout/timeout.errors';
import type { AttemptContext, PolicyOperation } from './attempt-context';

/** What an attempt needs from its policy. */
export interface AttemptHost {
  readonly name: string;
  readonly clock: Clock;
  readonly timers: TimerScheduler;
  readonly breaker: CircuitBreaker;
  readonly bulkhead: Bulkhead;
  deadlineCut(): void;
}

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

/** `Promise.withResolvers` (Node 22+; the workspace's TS lib is ES2023, which lacks its type). */
const withResolvers = <T>(): Resolvers<T> =>
  (Promise as unknown as { withResolvers<U>(): Resolvers<U> }).withResolvers<T>();

function onTimer(run: AttemptRun<unknown>): void {
  run.timeUp();
}

/**
 * One attempt, already holding a breaker permit and a bulkhead slot, raced against its timer.
 * The object is at once the operation's {@link AttemptContext}, the timer's argument and the
 * caller signal's listener (`handleEvent`), so an attempt allocates no closures.
 *
 * The first of three events settles the attempt and gives the breaker its verdict:
 * - the operation settles: success, or an error the breaker classifies;
 * - the timer fires: the signal aborts and the caller gets {@link AttemptTimeoutError} (a
 *   breaker failure) — or {@link DeadlineExceededError} when the deadline, not the attempt
 *   timeout, set the limit (no verdict: a short caller budget says nothing about the dependency);
 * - the caller aborts: the signal aborts with the caller's reason (no verdict).
 * The bulkhead slot is given back only when the operation itself settles: an abandoned call
 * that ignores its signal is still load on the dependency, and the pool keeps counting it.
 */
export class AttemptRun<T> implements AttemptContext {
  readonly signal: AbortSignal;
  readonly deadlineAt: number;
  private readonly controller = new AbortController();
  private readonly startedAt: number;
  private timer: unknown;
  private done = false;
  private resolve: (value: T) => void = undefined as never;
  private reject: (reason: unknown) => void = undefined as never;

  constructor(
    private readonly host: AttemptHost,
    readonly attempt: number,
    private readonly timeoutMs: number,
    private readonly cutByDeadline: boolean,
    private readonly permit: number,
    private readonly parent: AbortSignal | undefined,
  ) {
    this.signal = this.controller.signal;
    this.startedAt = host.clock.monotonic();
    this.deadlineAt = host.clock.now() + timeoutMs;
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
    this.timer = this.host.timers.set(this.timeoutMs, onTimer, this as AttemptRun<unknown>);
    void this.invoke(fn);
    return promise;
  }

  /** Caller cancellation (EventListener object protocol). */
  handleEvent(): void {
    if (!this.finish()) return;
    this.host.breaker.release(this.permit);
    const reason: unknown = this.parent?.reason;
    this.controller.abort(reason);
    this.reject(reason);
  }

  /** The attempt's time is up. */
  timeUp(): void {
    if (!this.finish()) return;
    let error: Error;
    if (this.cutByDeadline) {
      this.host.breaker.release(this.permit);
      this.host.deadlineCut();
      error = new DeadlineExceededError(0, false, { dependency: this.host.name });
    } else {
      this.host.breaker.record(this.permit, this.timeoutMs, true);
      error = new AttemptTimeoutError(this.timeoutMs, this.host.name);
    }
    this.controller.abort(error);
    this.reject(error);
  }

  private async invoke(fn: PolicyOperation<T>): Promise<void> {
    let value: T;
    try {
      value = await fn(this);
    } catch (error) {
      if (this.finish()) {
        if (this.parent?.aborted) this.host.breaker.release(this.permit);
        else
          this.host.breaker.recordError(
            this.permit,
            this.host.clock.monotonic() - this.startedAt,
            error,
          );
        this.reject(error);
      }
      this.host.bulkhead.release();
      return;
    }
    if (this.finish()) {
      this.host.breaker.record(this.permit, this.host.clock.monotonic() - this.startedAt, false);
      this.resolve(value);
    }
    this.host.bulkhead.release();
  }

  private finish(): boolean {
    if (this.done) return false;
    this.done = true;
    if (this.timer !== undefined) this.host.timers.clear(this.timer);
    this.parent?.removeEventListener('abort', this);
    return true;
  }
}
