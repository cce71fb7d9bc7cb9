interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests: (this: RequestQueueInternals) => void;
}

/** A request kafkajs has sent and waits on (its `SocketRequest`). */
interface InflightRequest {
  /** When it was written to the socket; null for the moment between `inflight.set` and the write. */
  sentAt: number | null;
  requestTimeout: number;
  /** Rejects it with `KafkaJSRequestTimeoutError` and removes it from `inflight`. */
  timeoutRequest(): void;
}

interface RequestQueueTimeoutInternals {
  enforceRequestTimeout: boolean;
  inflight: Map<number, InflightRequest>;
  requestTimeoutIntervalId?: NodeJS.Timeout;
  isConnected: () => boolean;
  destroy: (this: RequestQueueTimeoutInternals) => void;
  scheduleRequestTimeoutCheck: (this: RequestQueueTimeoutInternals) => void;
  [DEADLINE_TIMER]?: DeadlineTimer;
}

/** Marks the patched method, so applying twice (two copies of this lib) is harmless. */
const PATCHED = Symbol.for('rc.messaging.kafkajs-idle-timer');
const TIMEOUT_PATCHED = Symbol.for('rc.messaging.kafkajs-request-timeout-timer');
const DEADLINE_TIMER = Symbol.for('rc.messaging.kafkajs-request-deadline');

function requestQueueClass<T>(): { prototype: T } | undefined {
  try {
    // A plain `require` with a literal path, not `createRequire`: a service's bundle
    // (scripts/build/bundle-service.mjs) then carries this very module, the one kafkajs's own
    // connections load, and patches it; unbundled it is the same file from node_modules.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('kafkajs/src/network/requestQueue/index.js') as { prototype: T };
  } catch {
    return undefined;
  }
}

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
  const RequestQueue = requestQueueClass<RequestQueueInternals>();
  if (!RequestQueue) return false;
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

/**
 * One timer per broker connection, armed for the earliest deadline of the requests in flight
 * and cleared when the last one is answered, in place of kafkajs's 100 ms interval. kafkajs
 * enforces `requestTimeout` with a `setInterval(check, min(requestTimeout, 100))` per
 * connection, armed at connect and running until the connection closes: ten wake-ups a second
 * per connection even when nothing is in flight. An idle service with Kafka clients woke 12 to 21 times a second more than its own
 * 50 ms event-loop monitor asks for (`strace` of inventory, analytics and recommendations at rest:
 * 32-41 blocking waits a second, against 20 for cart, which has no Kafka client).
 */
class DeadlineTimer {
  private armedFor = Infinity;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly queue: RequestQueueTimeoutInternals) {
    const inflight = queue.inflight;
    const set = inflight.set.bind(inflight);
    // A request enters `inflight` just before kafkajs writes it: arm for its deadline unless an
    // earlier one is armed already. `sentAt` is set right after, so `now` stands in for it.
    inflight.set = (correlationId, request) => {
      set(correlationId, request);
      this.armFor(Date.now() + request.requestTimeout + 1);
      return inflight;
    };
    // The last answer (or a rejection of all) leaves nothing to watch: an idle connection keeps
    // no timer, not even one due at the deadline of a request long answered.
    const remove = inflight.delete.bind(inflight);
    inflight.delete = (correlationId) => {
      const removed = remove(correlationId);
      if (inflight.size === 0) this.disarm();
      return removed;
    };
    const clear = inflight.clear.bind(inflight);
    inflight.clear = () => {
      clear();
      this.disarm();
    };
  }

  /** Runs the check now (at connect: requests may already be waiting). */
  start(): void {
    this.check();
  }

  /** Forgets the timer kafkajs's `destroy` cleared. */
  cleared(): void {
    this.armedFor = Infinity;
    this.timer = undefined;
  }

  private disarm(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.cleared();
    this.queue.requestTimeoutIntervalId = undefined;
  }

  private armFor(at: number): void {
    if (!(at < this.armedFor)) return; // also refuses NaN: a request without a timeout arms nothing
    clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(() => this.check(), Math.max(at - Date.now(), 1));
    // kafkajs's `destroy` clears this field: it stops the timer exactly as it stopped the interval.
    this.queue.requestTimeoutIntervalId = this.timer;
  }

  /** kafkajs's check (time out what is overdue, stop when disconnected), then re-arm. */
  private check(): void {
    this.cleared();
    const now = Date.now();
    let next = Infinity;
    for (const request of [...this.queue.inflight.values()]) {
      const sentAt = request.sentAt ?? now;
      if (now - sentAt > request.requestTimeout) request.timeoutRequest();
      else if (Number.isFinite(request.requestTimeout))
        next = Math.min(next, sentAt + request.requestTimeout + 1);
    }
    if (!this.queue.isConnected()) {
      this.queue.destroy();
      return;
    }
    if (next !== Infinity) this.armFor(next);
  }
}

/**
 * Replaces kafkajs 2.2.4's per-connection 100 ms request-timeout interval with a
 * {@link DeadlineTimer}: the same rule (a request in flight longer than its `requestTimeout` is
 * rejected with `KafkaJSRequestTimeoutError`), checked at the earliest deadline instead of every
 * 100 ms. An idle connection holds no timer; a busy one wakes only when a request is overdue, or
 * when the one it was armed for was answered while later ones are still in flight. Applied by
 * `createKafka` with {@link patchKafkajsIdleTimer}. If a kafkajs upgrade moves the class, the
 * patch is skipped (false) and the spec that checks it fails.
 */
export function patchKafkajsRequestTimeoutCheck(): boolean {
  const RequestQueue = requestQueueClass<RequestQueueTimeoutInternals>();
  if (!RequestQueue) return false;
  const proto = RequestQueue.prototype;
  const schedule =
    proto.scheduleRequestTimeoutCheck as RequestQueueTimeoutInternals['scheduleRequestTimeoutCheck'] & {
      [TIMEOUT_PATCHED]?: true;
    };
  const destroy = proto.destroy;
  if (typeof schedule !== 'function' || typeof destroy !== 'function') return false;
  if (schedule[TIMEOUT_PATCHED]) return true;
  const patchedSchedule = function (this: RequestQueueTimeoutInternals): void {
    if (!this.enforceRequestTimeout) return;
    this.destroy();
    const timer = (this[DEADLINE_TIMER] ??= new DeadlineTimer(this));
    timer.start();
  };
  const patchedDestroy = function (this: RequestQueueTimeoutInternals): void {
    destroy.call(this);
    this[DEADLINE_TIMER]?.cleared();
  };
  Object.defineProperty(patchedSchedule, TIMEOUT_PATCHED, { value: true });
  Object.defineProperty(patchedDestroy, TIMEOUT_PATCHED, { value: true });
  proto.scheduleRequestTimeoutCheck = patchedSchedule;
  proto.destroy = patchedDestroy;
  return true;
}
