import { createEvent, type EventEnvelope } from '@rc/contracts';
import {
  fullJitterDelay,
  injectTraceContext,
  silentLogger,
  type BackoffOptions,
  type MessagingLogger,
} from '@rc/messaging';
import { type Clock, systemClock } from '@rc/resilience';
import type { Registry } from 'prom-client';
import type { CartLineChange } from '../domain/cart-line-change';
import type { CartEventSink } from '../domain/cart-events.port';
import { BoundedQueue } from './bounded-queue';
import { cartEventMetrics, type CartEventMetrics, type DropReason } from './cart-events.metrics';
import type { EventBatchSender } from './event-batch-sender';

/** Options of {@link BufferedCartEventPublisher}. */
export interface BufferedCartEventPublisherOptions {
  sender: EventBatchSender;
  /** Events held in memory at most; beyond it the oldest are dropped (and counted). */
  capacity: number;
  /** Events per produce request at most. */
  batchSize: number;
  /** How long a partial batch waits for more events before it is sent, in ms (0 = at once). */
  lingerMs: number;
  /** Backoff between attempts after Kafka refused a batch. */
  retryBackoff: BackoffOptions;
  /** Longest `stop` spends sending what is still buffered, in ms. */
  drainTimeoutMs: number;
  registry: Registry;
  logger?: MessagingLogger;
  clock?: Clock;
  random?: () => number;
}

/**
 * The cart's best-effort event stream. `record` builds the event (with the caller's trace
 * context) and appends it to a bounded in-memory queue: O(1), no I/O, never throws, so a cart
 * request never waits for Kafka. A background loop sends the queue in batches; when Kafka is
 * down it keeps retrying with backoff while the queue fills, and once full the oldest events
 * are dropped and counted (`cart_events_dropped_total{reason="buffer_full"}`). Memory is
 * bounded by `capacity`, whatever the outage. The stream is at-least-once while Kafka is up
 * (a batch whose acknowledgement is lost is sent again) and lossy, on purpose, when it is not.
 */
export class BufferedCartEventPublisher implements CartEventSink {
  private readonly queue: BoundedQueue<EventEnvelope>;
  private readonly metrics: CartEventMetrics;
  private readonly log: MessagingLogger;
  private readonly clock: Clock;
  private readonly stopping = new AbortController();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: BufferedCartEventPublisherOptions) {
    this.queue = new BoundedQueue(options.capacity);
    this.metrics = cartEventMetrics(options.registry);
    this.log = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
  }

  /** Events waiting to be sent. */
  get buffered(): number {
    return this.queue.size;
  }

  record(change: CartLineChange): void {
    try {
      const { type, cartId, sku, quantity } = change;
      const event = createEvent(
        type,
        cartId,
        { cartId, sku, quantity },
        {
          trace: injectTraceContext(),
        },
      );
      this.metrics.recorded.inc({ type });
      this.drop('buffer_full', this.queue.push(event));
      this.metrics.buffered.set(this.queue.size);
      this.wake?.();
    } catch (e) {
      // Never the caller's problem: a cart write must not fail because of its event.
      this.drop('invalid', 1);
      this.log('error', 'cart event could not be built', { error: String(e) });
    }
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Stops the loop, then spends at most `drainTimeoutMs` sending what is still buffered;
   * whatever remains is dropped (`reason="shutdown"`). Closes the sender.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    const deadline = this.clock.monotonic() + this.options.drainTimeoutMs;
    await this.within(this.loop ?? Promise.resolve(), this.options.drainTimeoutMs);
    while (this.queue.size > 0 && this.clock.monotonic() < deadline) {
      const batch = this.queue.take(this.options.batchSize);
      const left = deadline - this.clock.monotonic();
      const sent = await this.within(this.sendBatch(batch), left);
      if (sent !== true) {
        this.drop('shutdown', batch.length);
        break;
      }
    }
    this.drop('shutdown', this.queue.clear());
    this.metrics.buffered.set(0);
    await this.within(this.options.sender.close(), 1_000);
  }

  private async run(): Promise<void> {
    let failures = 0;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      if (this.queue.size === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      if (this.queue.size < this.options.batchSize && this.options.lingerMs > 0) {
        await this.sleep(this.options.lingerMs);
      }
      const batch = this.queue.take(this.options.batchSize);
      if (await this.sendBatch(batch)) {
        failures = 0;
        continue;
      }
      failures++;
      this.drop('buffer_full', this.queue.putBack(batch));
      this.metrics.buffered.set(this.queue.size);
      const random = this.options.random ?? Math.random;
      await this.sleep(fullJitterDelay(failures, this.options.retryBackoff, random));
    }
  }

  /** Sends one batch; true when Kafka acknowledged it. */
  private async sendBatch(batch: EventEnvelope[]): Promise<boolean> {
    try {
      await this.options.sender.send(batch);
      this.metrics.published.inc(batch.length);
      this.metrics.buffered.set(this.queue.size);
      return true;
    } catch (e) {
      this.metrics.publishFailures.inc();
      this.log('warn', 'cart events not published, will retry', {
        events: batch.length,
        buffered: this.queue.size,
        error: e instanceof Error ? e.message : String(e),
      });
      return false;
    }
  }

  private drop(reason: DropReason, count: number): void {
    if (count > 0) this.metrics.dropped.inc({ reason }, count);
  }

  private async sleep(ms: number): Promise<void> {
    await this.clock.sleep(ms, this.stopping.signal).catch(() => undefined);
  }

  /** What `work` resolved to, or `'timeout'` after `ms` (or `'failed'` if it rejected). */
  private async within<T>(work: Promise<T>, ms: number): Promise<T | 'timeout' | 'failed'> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, ms), 'timeout');
    });
    try {
      return await Promise.race([work, timeout]);
    } catch {
      return 'failed';
    } finally {
      clearTimeout(timer);
    }
  }
}
