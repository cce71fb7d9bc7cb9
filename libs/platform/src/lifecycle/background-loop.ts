import type { LogFunction } from '../logging/log-function';

/** Options of {@link startBackgroundLoop}. */
export interface BackgroundLoopOptions {
  /** Names the loop in its log lines (e.g. `housekeeping`). */
  name: string;
  /** Pause between the end of one pass and the start of the next, ms (> 0). */
  intervalMs: number;
  /** One pass. Never overlaps the previous one; a rejection is reported and the loop goes on. */
  run: () => Promise<unknown>;
  /** Where a failed pass is logged (`warn`) when no `onError` is given. */
  log?: LogFunction;
  /**
   * Handles a failed pass instead of the default log line (e.g. to count it too). Whatever it
   * throws is ignored: the loop goes on.
   */
  onError?: (error: unknown) => void;
  /**
   * Spread of each pause, a fraction in [0, 1): the pause is `intervalMs · (1 ± jitter)`, so
   * replicas started together do not run their passes in step. Default 0.
   */
  jitter?: number;
  /** Run the first pass right away instead of after one interval. Default false. */
  immediate?: boolean;
  /** Source of randomness for the jitter (tests). Default `Math.random`. */
  random?: () => number;
}

/** Stops a loop: no pass starts after it is called; resolves once the pass in flight ended. */
export type StopBackgroundLoop = () => Promise<void>;

/**
 * Runs `run` periodically in the background: one pass at a time (the next is scheduled
 * `intervalMs` after the previous ended, so a slow pass never overlaps the next), a failed pass
 * is logged and the next one tries again, and the timer is unref'd so the loop never keeps a
 * process alive. Every service's periodic work (recovery, reconciliation, expiry,
 * housekeeping) runs on this one shape. Returns the stop function; calling it twice is safe.
 */
export function startBackgroundLoop(options: BackgroundLoopOptions): StopBackgroundLoop {
  const { name, intervalMs, run, jitter = 0, random = Math.random } = options;
  if (!(Number.isFinite(intervalMs) && intervalMs > 0))
    throw new RangeError(`background loop ${name}: intervalMs must be > 0 (got ${intervalMs})`);
  if (!(jitter >= 0 && jitter < 1))
    throw new RangeError(`background loop ${name}: jitter must be in [0, 1) (got ${jitter})`);
  const onError =
    options.onError ??
    ((error: unknown) =>
      options.log?.('warn', 'background pass failed', { loop: name, error: String(error) }));

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  const pause = () => intervalMs * (1 + jitter * (random() * 2 - 1));
  const pass = async () => {
    try {
      await run();
    } catch (error) {
      try {
        onError(error);
      } catch {
        // a failing error handler must not end the loop
      }
    }
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = pass().finally(() => {
        inFlight = undefined;
        schedule(pause());
      });
    }, ms);
    timer.unref();
  };

  schedule(options.immediate ? 0 : pause());
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await inFlight;
  };
}

/**
 * {@link startBackgroundLoop} as an object a worker owns: `start` (a no-op while running) and
 * `stop` (waits for the pass in flight; the loop may be started again afterwards).
 */
export class BackgroundLoop {
  private stopLoop: StopBackgroundLoop | undefined;

  constructor(private readonly options: BackgroundLoopOptions) {}

  /** Whether the loop is started (and not stopped since). */
  get running(): boolean {
    return this.stopLoop !== undefined;
  }

  /** Starts the loop unless it runs already. */
  start(): void {
    this.stopLoop ??= startBackgroundLoop(this.options);
  }

  /** Stops the loop and waits for the pass in flight to end. */
  async stop(): Promise<void> {
    const stop = this.stopLoop;
    this.stopLoop = undefined;
    await stop?.();
  }
}
