import { systemClock, type Clock } from '../clock';
import { timerSchedulerFor } from './timer-scheduler';
import { AttemptTimeoutError } from './timeout.errors';

/** Options of {@link withTimeout}. */
export interface WithTimeoutOptions {
  clock?: Clock;
  /** Caller cancellation: aborts the inner signal and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Error to reject with on timeout; default {@link AttemptTimeoutError}. */
  timeoutError?: () => Error;
}

/**
 * Runs `fn` with an AbortSignal that fires after `timeoutMs`, and rejects at that moment even if
 * `fn` ignores its signal (cockatiel's "aggressive" strategy), so a caller never waits past the
 * timeout. Standalone helper; the composed policy has its own allocation-lean attempt runner.
 */
export function withTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  options: WithTimeoutOptions = {},
): Promise<T> {
  const timers = timerSchedulerFor(options.clock ?? systemClock);
  const inner = new AbortController();
  const parent = options.signal;
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      timers.clear(timer);
      parent?.removeEventListener('abort', onParentAbort);
      return true;
    };
    const onParentAbort = (): void => {
      if (!finish()) return;
      inner.abort(parent?.reason);
      reject(parent?.reason as Error);
    };
    const timer = timers.set(
      timeoutMs,
      () => {
        if (!finish()) return;
        const error = options.timeoutError?.() ?? new AttemptTimeoutError(timeoutMs);
        inner.abort(error);
        reject(error);
      },
      undefined,
    );
    if (parent?.aborted) return onParentAbort();
    parent?.addEventListener('abort', onParentAbort, { once: true });
    // The executor turns a synchronous throw of fn into a rejection.
    const pending = new Promise<T>((run) => run(fn(inner.signal)));
    pending.then(
      (value) => finish() && resolve(value),
      (error: unknown) => finish() && reject(error as Error),
    );
  });
}
