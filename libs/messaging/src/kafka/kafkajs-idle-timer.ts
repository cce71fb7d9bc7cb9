import { createRequire } from 'node:module';

interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests: (this: RequestQueueInternals) => void;
}

/** Marks the patched method, so applying twice (two copies of this lib) is harmless. */
const PATCHED = Symbol.for('rc.messaging.kafkajs-idle-timer');

/**
 * Stops kafkajs 2.2.4 (its last release) from spinning a 1 ms timer on every idle broker
 * connection.
 *
 * Its `RequestQueue.scheduleCheckPendingRequests` runs after every check of the queue and, when
 * nothing is pending and no throttle is in force, schedules the next check at
 * `throttledUntil - now` — a large negative delay, which Node runs after 1 ms (and reports once
 * as `TimeoutNegativeWarning`). The check finds nothing and schedules itself again: about a
 * thousand wake-ups a second per connection, for as long as the connection is open. That was
 * most of an idle consumer's CPU (a profile of inventory at rest: 40 % of its busy samples in
 * that timer). A check only has something to do when a request waits in the queue; `push`
 * schedules one whenever it queues a request. So the patched method schedules only then, or
 * while a broker throttle is still running; otherwise it does what kafkajs does.
 *
 * Applied once, when the messaging library creates its first Kafka client. If a kafkajs upgrade
 * moves or renames the class, the patch is skipped (and the spec that checks it fails).
 * @returns whether the patch is in place.
 */
export function patchKafkajsIdleTimer(): boolean {
  let RequestQueue: { prototype: RequestQueueInternals } | undefined;
  try {
    const requireFromHere = createRequire(__filename);
    RequestQueue = requireFromHere('kafkajs/src/network/requestQueue/index.js') as {
      prototype: RequestQueueInternals;
    };
  } catch {
    return false;
  }
  const proto = RequestQueue.prototype;
  const original =
    proto.scheduleCheckPendingRequests as RequestQueueInternals['scheduleCheckPendingRequests'] & {
      [PATCHED]?: true;
    };
  if (typeof original !== 'function') return false;
  if (original[PATCHED]) return true;
  const patched = function (this: RequestQueueInternals): void {
    if (this.pending.length === 0 && !(this.throttledUntil > Date.now())) return;
    original.call(this);
  };
  Object.defineProperty(patched, PATCHED, { value: true });
  proto.scheduleCheckPendingRequests = patched;
  return true;
}
