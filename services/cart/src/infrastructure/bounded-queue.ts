/**
 * A FIFO queue with a fixed capacity that never blocks and never grows: when full, the oldest
 * entries make room for new ones. Backed by a ring buffer, so every operation is O(1) per item.
 * Each method returns how many entries it had to drop, for the caller to count.
 */
export class BoundedQueue<T> {
  private readonly slots: Array<T | undefined>;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('queue capacity must be a positive integer');
    }
    this.slots = new Array<T | undefined>(capacity);
  }

  /** Entries waiting. */
  get size(): number {
    return this.count;
  }

  /** Appends `item`; when full, drops the oldest entry first. Returns the number dropped (0 or 1). */
  push(item: T): number {
    let dropped = 0;
    if (this.count === this.capacity) {
      this.shift();
      dropped = 1;
    }
    this.slots[(this.head + this.count) % this.capacity] = item;
    this.count++;
    return dropped;
  }

  /** Removes and returns up to `max` of the oldest entries, oldest first. */
  take(max: number): T[] {
    const out: T[] = [];
    while (out.length < max && this.count > 0) out.push(this.shift());
    return out;
  }

  /**
   * Puts `items` (taken earlier, oldest first) back at the front, ahead of everything queued
   * since. They are older than anything in the queue, so when there is not room for all of them
   * the oldest of them are the ones dropped. Returns the number dropped.
   */
  putBack(items: readonly T[]): number {
    const room = this.capacity - this.count;
    const kept = items.slice(Math.max(0, items.length - room));
    for (let i = kept.length - 1; i >= 0; i--) {
      this.head = (this.head - 1 + this.capacity) % this.capacity;
      this.slots[this.head] = kept[i];
      this.count++;
    }
    return items.length - kept.length;
  }

  /** Removes every entry; returns how many there were. */
  clear(): number {
    const n = this.count;
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
    return n;
  }

  private shift(): T {
    const item = this.slots[this.head] as T;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return item;
  }
}
