/** Exponential backoff settings. */
export interface BackoffOptions {
  /** Delay cap for the first retry, in milliseconds. */
  baseMs: number;
  /** Largest delay ever returned, in milliseconds. */
  maxMs: number;
}

/**
 * "Full jitter" exponential backoff: a uniformly random delay in [0, min(max, base·2^(n-1))].
 * Spreading retries over the whole window is what stops a fleet of consumers or relays that
 * failed together from retrying together (AWS Architecture Blog, "Exponential Backoff and
 * Jitter"). `attempt` counts from 1 (the first retry).
 */
export function fullJitterDelay(
  attempt: number,
  { baseMs, maxMs }: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.floor(random() * ceiling);
}

/**
 * Resolves after `ms`, or early when `signal` aborts (never rejects): loops that sleep between
 * attempts check their own stop flag after waking.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
