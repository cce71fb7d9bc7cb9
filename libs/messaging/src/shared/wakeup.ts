import { sleep } from './backoff';

/**
 * A level-triggered wake-up: `notify` marks it pending (and ends a `wait` in progress); `wait`
 * returns at once while one is pending, else after `ms` or on abort. A notification that
 * arrives while nobody waits is kept, never lost; several fold into one.
 */
export class Wakeup {
  private pending = false;
  private waiter: AbortController | undefined;

  /** Marks a wake-up pending and ends the current wait. */
  notify(): void {
    this.pending = true;
    this.waiter?.abort();
  }

  /** Forgets a pending wake-up (the caller is about to look anyway). */
  reset(): void {
    this.pending = false;
  }

  /** Resolves on a (pending or new) notification, after `ms`, or when `signal` aborts. */
  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) return;
    const waiter = new AbortController();
    this.waiter = waiter;
    const onAbort = () => waiter.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await sleep(ms, waiter.signal);
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (this.waiter === waiter) this.waiter = undefined;
    }
  }
}
