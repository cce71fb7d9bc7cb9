import { Agent, request } from 'undici';
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
  /** A cheap GET route of the origin, used to open the connections a step needs before it. */
  warmPath?: string;
}

/**
 * Connections a step starts with: enough for this many seconds of its arrivals in flight at
 * once (500 at 1 000/s). A Node.js server accepts one new connection per event-loop iteration
 * (its libuv, 1.52 in Node 24, no longer accepts in a loop), so a loaded service takes new
 * connections in slowly: an open-loop step that had to open hundreds at its start measured that
 * burst of connects — shed answers waiting 1–2 s in the accept queue — instead of the service
 * (docs/PERFORMANCE.md, twenty-first round). A client that keeps a warm pool, as a load balancer
 * does, starts each step with them.
 */
export const POOL_SECONDS_OF_ARRIVALS = 0.5;
/** Most connections opened ahead of a step. */
const MAX_WARM_CONNECTIONS = 1_024;

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
    await this.openConnections(
      Math.min(MAX_WARM_CONNECTIONS, Math.ceil(rateRps * POOL_SECONDS_OF_ARRIVALS)),
    );
    const busy = await settle();
    if (busy >= 35) this.options.onBusy?.(busy);
    await beforeLoad?.();
    const { origin, next, okStatus, timeoutMs, sloMs } = this.options;
    const connectedBefore = this.connected();
    const result = await runOpenLoop({
      origin,
      dispatcher: this.dispatcher,
      rateRps,
      seconds,
      next: () => next(),
      okStatus,
      timeoutMs,
      sloMs,
    });
    return { ...result, connectionsOpened: Math.max(0, this.connected() - connectedBefore) };
  }

  /** Connections of the pool to the origin that are open now. */
  connected(): number {
    // An Agent with `connections` keeps a Pool per origin (a Client, whose `connected` is a
    // boolean, only with `connections: 1`).
    return Number(this.dispatcher.stats[this.options.origin]?.connected ?? 0);
  }

  /**
   * Makes the pool hold at least `count` open connections: `count` concurrent requests to
   * `warmPath` (pipelining 1: each in flight takes a connection of its own). Not only the missing
   * number: the pool hands requests to its free connections first, so that many would open none.
   */
  async openConnections(count: number): Promise<void> {
    if (this.connected() >= count) return;
    const url = `${this.options.origin}${this.options.warmPath ?? '/health/live'}`;
    await Promise.all(
      Array.from({ length: count }, () =>
        request(url, { dispatcher: this.dispatcher }).then((res) => res.body.dump()),
      ),
    );
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
