import type { Clock } from '../clock';
import type { TimerScheduler } from './timer-scheduler';

/** An entry of a {@link TimeoutQueue}: intrusive links, so queueing allocates nothing. */
export interface Expirable {
  /** Monotonic ms at which {@link Expirable.expire} is due. */
  expireAt: number;
  prevExpirable: Expirable | undefined;
  nextExpirable: Expirable | undefined;
  /** Called once, when due, after the entry has left the queue. */
  expire(): void;
}

function onFire(queue: TimeoutQueue): void {
  queue.fire();
}

/**
 * Timeouts for many concurrent attempts on ONE timer. Entries sit in a doubly-linked list kept
 * in expiry order; with one fixed attempt timeout per policy a new entry always goes to the tail
 * (O(1)), and only a deadline-shortened attempt walks back a few places. The timer is armed for
 * the head and, unlike a per-attempt `setTimeout`, is not cancelled when attempts finish: it
 * fires at most about once per timeout period, finds what is due (often nothing), and re-arms
 * for the new head. That removes a timer create/cancel pair (~300 ns) from every call.
 */
export class TimeoutQueue {
  private head: Expirable | undefined;
  private tail: Expirable | undefined;
  private timer: unknown;
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerScheduler,
  ) {}

  /** Queues `entry` to expire at `entry.expireAt`. */
  add(entry: Expirable): void {
    let after = this.tail;
    while (after !== undefined && after.expireAt > entry.expireAt) after = after.prevExpirable;
    entry.prevExpirable = after;
    entry.nextExpirable = after === undefined ? this.head : after.nextExpirable;
    if (entry.nextExpirable) entry.nextExpirable.prevExpirable = entry;
    else this.tail = entry;
    if (after) after.nextExpirable = entry;
    else this.head = entry;
    if (entry.expireAt < this.armedFor) this.arm(entry.expireAt, this.clock.monotonic());
  }

  /** Takes `entry` out (it will not expire). Safe to call for an entry no longer queued. */
  remove(entry: Expirable): void {
    const { prevExpirable: prev, nextExpirable: next } = entry;
    if (prev) prev.nextExpirable = next;
    else if (this.head === entry) this.head = next;
    else return;
    if (next) next.prevExpirable = prev;
    else this.tail = prev;
    entry.prevExpirable = entry.nextExpirable = undefined;
  }

  /** @internal Timer callback: expires every due entry, then re-arms for the next one. */
  fire(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = this.clock.monotonic();
    while (this.head !== undefined && this.head.expireAt <= now) {
      const due = this.head;
      this.remove(due);
      due.expire();
    }
    if (this.head !== undefined) this.arm(this.head.expireAt, now);
  }

  private arm(at: number, now: number): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.armedFor = at;
    this.timer = this.timers.set(Math.max(0, at - now), onFire, this);
  }
}
