import {
  decorrelatedJitterGenerator,
  ExponentialBackoff,
  fullJitterGenerator,
  type IBackoff,
} from 'cockatiel';
import type { JitterStrategy } from './retry.config';

/**
 * Exponential backoff with jitter, built on cockatiel's generators (reused, not re-implemented):
 * - `full`: uniform in [0, min(maxDelay, base × 2^n)) — AWS "full jitter";
 * - `decorrelated`: Polly's DecorrelatedJitterV2, median ≈ base × 2^n, within [0, maxDelay].
 * Jitter spreads the retries of many clients that failed together, so they do not come back
 * as a synchronised wave (thundering herd).
 */
export class Backoff {
  private readonly factory: ExponentialBackoff<unknown>;

  constructor(baseDelayMs: number, maxDelayMs: number, jitter: JitterStrategy) {
    this.factory = new ExponentialBackoff<unknown>({
      initialDelay: baseDelayMs,
      maxDelay: maxDelayMs,
      generator: (jitter === 'full' ? fullJitterGenerator : decorrelatedJitterGenerator) as never,
    });
  }

  /** Backoff before the first retry; call `.next(undefined)` on it for the following ones. */
  first(): IBackoff<unknown> {
    return this.factory.next();
  }
}

/** Per-request backoff progress: hands out the delay before each successive retry. */
export class BackoffProgress {
  private current: IBackoff<unknown> | undefined;

  constructor(private readonly backoff: Backoff) {}

  /** Delay before the next retry, in milliseconds. */
  nextDelayMs(): number {
    this.current = this.current === undefined ? this.backoff.first() : this.current.next(undefined);
    return this.current.duration;
  }
}
