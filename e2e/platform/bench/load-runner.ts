import { Agent } from 'undici';
import type { LoadRequest } from './open-loop';
import { runOpenLoop } from './open-loop';
import { settle } from './machine-context';
import type { StepResult } from './step-result';

/** Where and how {@link LoadRunner} sends its load. */
export interface LoadRunnerOptions {
  /** Origin of the service under load, e.g. `http://127.0.0.1:3200`. */
  origin: string;
  next: () => LoadRequest;
  okStatus: number;
  timeoutMs: number;
  sloMs: number;
  /** Called with the CPU busy share when the machine did not settle before a step. */
  onBusy?: (busyPct: number) => void;
}

/**
 * Runs open-loop steps against one service through one keep-alive connection pool, letting the
 * machine settle before each step so a step is not billed for the tail of the one before.
 */
export class LoadRunner {
  private dispatcher = keepAliveAgent();

  constructor(private readonly options: LoadRunnerOptions) {}

  /**
   * One step at `rateRps` for `seconds`, once the CPU has settled (10 s at most). `beforeLoad`
   * runs after the settling, right before the first request (a cost reading starts there).
   */
  async step(
    rateRps: number,
    seconds: number,
    beforeLoad?: () => Promise<void>,
  ): Promise<StepResult> {
    const busy = await settle();
    if (busy >= 35) this.options.onBusy?.(busy);
    await beforeLoad?.();
    const { origin, next, okStatus, timeoutMs, sloMs } = this.options;
    return runOpenLoop({
      origin,
      dispatcher: this.dispatcher,
      rateRps,
      seconds,
      next: () => next(),
      okStatus,
      timeoutMs,
      sloMs,
    });
  }

  /** Drops the pooled connections (after the service was restarted: they are dead). */
  async reconnect(): Promise<void> {
    await this.dispatcher.close();
    this.dispatcher = keepAliveAgent();
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

/** Keep-alive pool big enough that no request waits for a connection at the highest rate. */
export function keepAliveAgent(): Agent {
  return new Agent({ connections: 4096, pipelining: 1, keepAliveTimeout: 30_000 });
}
