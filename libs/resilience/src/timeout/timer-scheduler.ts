import { systemClock, type Clock } from '../clock';

/**
 * Minimal one-shot timer API the time-bounded pieces use. With the system clock it is Node's
 * `setTimeout` (unref'd: a pending timeout never keeps a process alive) with the callback
 * argument passed through, so scheduling needs no closure; with any other {@link Clock} (e.g.
 * FakeClock in tests) it is built on `clock.sleep` so tests drive timeouts by advancing time.
 */
export interface TimerScheduler {
  /** Calls `callback(arg)` after `ms`; returns a handle for {@link TimerScheduler.clear}. */
  set<A>(ms: number, callback: (arg: A) => void, arg: A): unknown;
  /** Cancels a timer (no-op if it already fired). */
  clear(handle: unknown): void;
}

const nodeTimers: TimerScheduler = {
  set: (ms, callback, arg) => setTimeout(callback, ms, arg).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

const ignore = (): void => undefined;

function clockTimers(clock: Clock): TimerScheduler {
  return {
    set: (ms, callback, arg) => {
      const cancel = new AbortController();
      clock.sleep(ms, cancel.signal).then(() => callback(arg), ignore);
      return cancel;
    },
    clear: (handle) => (handle as AbortController).abort(),
  };
}

/** The scheduler for `clock`: native timers for the system clock, clock-driven otherwise. */
export function timerSchedulerFor(clock: Clock): TimerScheduler {
  return clock === systemClock ? nodeTimers : clockTimers(clock);
}
