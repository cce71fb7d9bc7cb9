import { register as defaultRegistry, type Registry } from 'prom-client';
import { systemClock, type Clock } from '../clock';
import { parseConfig } from '../policy/resilience-config.error';
import { timerSchedulerFor, type TimerScheduler } from '../timeout/timer-scheduler';
import {
  bulkheadConfigSchema,
  type BulkheadConfig,
  type BulkheadConfigInput,
} from './bulkhead.config';
import { BulkheadFullError, BulkheadQueueTimeoutError } from './bulkhead.errors';
import { BulkheadMetrics } from './bulkhead.metrics';

/** Collaborators of a {@link Bulkhead}; all optional. */
export interface BulkheadDeps {
  clock?: Clock;
  /** Where metrics go; defaults to prom-client's global registry. */
  registry?: Registry;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: unknown;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  waitMs: number;
  done: boolean;
}

/**
 * Concurrency pool for one dependency: at most `maxConcurrent` calls in flight, at most
 * `maxQueue` callers waiting (FIFO) for at most `maxQueueWaitMs` each. When the queue is full
 * the caller is rejected at once with {@link BulkheadFullError} — failing fast is the point: a
 * slow payment provider fills only the payment pool and cannot take the event loop, sockets and
 * memory that inventory calls need. A freed slot is handed straight to the oldest waiter.
 *
 * Low-level use (what the composed policy does): `tryAcquire()` (sync, no allocation), else
 * `await acquire(waitMs, signal)`; always `release()` once the call has settled.
 */
export class Bulkhead {
  /** Validated configuration with defaults applied. */
  readonly config: BulkheadConfig;
  private readonly timers: TimerScheduler;
  private readonly metrics: BulkheadMetrics;
  private active = 0;
  private waiting = 0;
  private readonly queue: Waiter[] = [];
  private head = 0;

  constructor(
    /** Dependency name (metric label, error message). */
    readonly name: string,
    config: BulkheadConfigInput = {},
    deps: BulkheadDeps = {},
  ) {
    this.config = parseConfig(bulkheadConfigSchema, config, 'bulkhead');
    this.timers = timerSchedulerFor(deps.clock ?? systemClock);
    this.metrics = new BulkheadMetrics(deps.registry ?? defaultRegistry, name, this);
  }

  /** Calls holding a slot now. */
  get inFlight(): number {
    return this.active;
  }

  /** Callers waiting for a slot now. */
  get queued(): number {
    return this.waiting;
  }

  /** Takes a slot if one is free right now (never queues). */
  tryAcquire(): boolean {
    if (this.active >= this.config.maxConcurrent && this.config.enabled) return false;
    this.active++;
    return true;
  }

  /**
   * Takes a slot, waiting in the queue for at most `maxWaitMs` (default `maxQueueWaitMs`; the
   * composed policy passes less when the deadline is closer).
   * @throws BulkheadFullError when the queue is full (or no wait is allowed)
   * @throws BulkheadQueueTimeoutError when no slot frees up in time
   */
  acquire(maxWaitMs = this.config.maxQueueWaitMs, signal?: AbortSignal): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    const waitMs = Math.min(maxWaitMs, this.config.maxQueueWaitMs);
    if (this.waiting >= this.config.maxQueue || waitMs <= 0) {
      this.metrics.rejectedFull.inc();
      return Promise.reject(new BulkheadFullError(this.name));
    }
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: undefined,
        signal,
        onAbort: undefined,
        waitMs,
        done: false,
      };
      waiter.timer = this.timers.set(waitMs, (w) => this.expire(w), waiter);
      if (signal) {
        waiter.onAbort = () => this.leave(waiter, signal.reason as Error);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.waiting++;
    });
  }

  /** Gives a slot back; the oldest live waiter gets it directly. */
  release(): void {
    if (this.waiting > 0) {
      let waiter = this.queue[this.head++] as Waiter;
      while (waiter.done) waiter = this.queue[this.head++] as Waiter;
      this.settle(waiter);
      this.compact();
      waiter.resolve();
      return;
    }
    if (this.queue.length !== 0) {
      // Nobody is waiting: whatever is left in the array was cancelled or timed out.
      this.queue.length = 0;
      this.head = 0;
    }
    this.active--;
  }

  /** Runs `fn` holding a slot. */
  async execute<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (!this.tryAcquire()) await this.acquire(undefined, signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private expire(waiter: Waiter): void {
    if (waiter.done) return;
    this.metrics.rejectedQueueTimeout.inc();
    this.leave(waiter, new BulkheadQueueTimeoutError(this.name, waiter.waitMs));
  }

  private leave(waiter: Waiter, error: Error): void {
    if (waiter.done) return;
    this.settle(waiter);
    waiter.reject(error);
  }

  private settle(waiter: Waiter): void {
    waiter.done = true;
    this.waiting--;
    this.timers.clear(waiter.timer);
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  /** Drops consumed entries so the queue array does not grow without bound. */
  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}
