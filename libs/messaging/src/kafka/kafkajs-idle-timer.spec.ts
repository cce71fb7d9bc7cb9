import { createRequire } from 'node:module';
import { patchKafkajsIdleTimer, patchKafkajsRequestTimeoutCheck } from './kafkajs-idle-timer';

interface Request {
  sentAt: number | null;
  requestTimeout: number;
  timeoutRequest: jest.Mock;
}

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  inflight: Map<number, Request>;
  isConnected: () => boolean;
  checkPendingRequests(): void;
  scheduleRequestTimeoutCheck(): void;
  destroy(): void;
}

const RequestQueue = createRequire(__filename)('kafkajs/src/network/requestQueue/index.js') as new (
  options: Record<string, unknown>,
) => Queue;

function idleQueue(connected: () => boolean = () => true): Queue {
  const logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  return new RequestQueue({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: true,
    clientId: 'spec',
    broker: '127.0.0.1:9092',
    logger,
    isConnected: connected,
  });
}

/** Sends a request as kafkajs does: into `inflight`, then `sentAt`; a timeout removes it. */
function send(queue: Queue, correlationId: number, requestTimeout: number): Request {
  const request: Request = {
    sentAt: null,
    requestTimeout,
    timeoutRequest: jest.fn(() => queue.inflight.delete(correlationId)),
  };
  queue.inflight.set(correlationId, request);
  request.sentAt = Date.now();
  return request;
}

describe('patchKafkajsIdleTimer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    jest.clearAllTimers();
    jest.useRealTimers();
  });

  it('when kafkajs is not patched, then an idle queue re-arms its check every millisecond (the defect)', () => {
    const queue = idleQueue();

    queue.checkPendingRequests();
    jest.advanceTimersByTime(10);

    // Still armed after ten 1 ms rounds: it never stops.
    expect(jest.getTimerCount()).toBe(1);
  });

  it('when patched, then an idle queue arms no timer at all', () => {
    expect(patchKafkajsIdleTimer()).toBe(true);
    const queue = idleQueue();

    queue.checkPendingRequests();

    expect(jest.getTimerCount()).toBe(0);
  });

  it('when patched and a request waits behind a throttle, then the check is still scheduled for when it ends', () => {
    patchKafkajsIdleTimer();
    const queue = idleQueue();
    queue.throttledUntil = Date.now() + 500;
    queue.pending.push({ placeholder: true });

    queue.checkPendingRequests();

    expect(jest.getTimerCount()).toBe(1);
  });

  it('when applied twice, then it stays one patch', () => {
    expect(patchKafkajsIdleTimer()).toBe(true);
    expect(patchKafkajsIdleTimer()).toBe(true);
    const queue = idleQueue();

    queue.checkPendingRequests();

    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('patchKafkajsRequestTimeoutCheck', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    jest.clearAllTimers();
    jest.useRealTimers();
  });

  it('when kafkajs is not patched, then a connected queue with nothing in flight wakes every 100 ms (what the patch replaces)', () => {
    const queue = idleQueue();
    const sweep = jest.spyOn(queue.inflight, 'forEach');

    queue.scheduleRequestTimeoutCheck();
    jest.advanceTimersByTime(1_000);

    expect(sweep).toHaveBeenCalledTimes(10);
    expect(jest.getTimerCount()).toBe(1);
    queue.destroy();
  });

  it('when patched, then a connected queue with nothing in flight arms no timer', () => {
    expect(patchKafkajsRequestTimeoutCheck()).toBe(true);
    const queue = idleQueue();

    queue.scheduleRequestTimeoutCheck();

    expect(jest.getTimerCount()).toBe(0);
  });

  it('when patched and a request outlives its timeout, then it is timed out at its deadline, not before, and nothing stays armed', () => {
    patchKafkajsRequestTimeoutCheck();
    const queue = idleQueue();
    queue.scheduleRequestTimeoutCheck();

    const request = send(queue, 1, 1_000);
    jest.advanceTimersByTime(1_000);
    expect(request.timeoutRequest).not.toHaveBeenCalled();
    jest.advanceTimersByTime(2);

    expect(request.timeoutRequest).toHaveBeenCalledTimes(1);
    expect(queue.inflight.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('when patched and requests come and go, then one timer wakes at the earliest deadline and answered requests are never timed out', () => {
    patchKafkajsRequestTimeoutCheck();
    const queue = idleQueue();
    queue.scheduleRequestTimeoutCheck();

    // A long request (a fetch: its wait plus the timeout), then a shorter one sent later that is
    // due first, then a third that is answered in time.
    const fetch = send(queue, 1, 5_000);
    jest.advanceTimersByTime(100);
    const heartbeat = send(queue, 2, 1_000);
    const answered = send(queue, 3, 1_000);
    expect(jest.getTimerCount()).toBe(1);
    queue.inflight.delete(3);

    jest.advanceTimersByTime(1_002);
    expect(heartbeat.timeoutRequest).toHaveBeenCalledTimes(1);
    expect(fetch.timeoutRequest).not.toHaveBeenCalled();
    jest.advanceTimersByTime(3_900);
    expect(fetch.timeoutRequest).toHaveBeenCalledTimes(1);
    expect(answered.timeoutRequest).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('when patched and the last request in flight is answered, then the timer is cleared at once', () => {
    patchKafkajsRequestTimeoutCheck();
    const queue = idleQueue();
    queue.scheduleRequestTimeoutCheck();
    const first = send(queue, 1, 1_000);
    const second = send(queue, 2, 1_000);

    queue.inflight.delete(1);
    expect(jest.getTimerCount()).toBe(1);
    queue.inflight.delete(2);

    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(5_000);
    expect(first.timeoutRequest).not.toHaveBeenCalled();
    expect(second.timeoutRequest).not.toHaveBeenCalled();
  });

  it('when patched and every request is rejected at once (the connection failed), then the timer is cleared', () => {
    patchKafkajsRequestTimeoutCheck();
    const queue = idleQueue();
    queue.scheduleRequestTimeoutCheck();
    send(queue, 1, 1_000);

    queue.inflight.clear();

    expect(jest.getTimerCount()).toBe(0);
  });

  it('when patched and the queue is destroyed (disconnect), then its timer stops, and after a reconnect a new request arms it again', () => {
    patchKafkajsRequestTimeoutCheck();
    const queue = idleQueue();
    queue.scheduleRequestTimeoutCheck();
    const first = send(queue, 1, 1_000);

    queue.destroy();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(2_000);
    expect(first.timeoutRequest).not.toHaveBeenCalled();

    queue.inflight.clear();
    queue.scheduleRequestTimeoutCheck();
    const second = send(queue, 2, 1_000);
    jest.advanceTimersByTime(1_002);
    expect(second.timeoutRequest).toHaveBeenCalledTimes(1);
  });

  it('when patched and the connection is gone at a check, then the queue stops checking, as kafkajs does', () => {
    patchKafkajsRequestTimeoutCheck();
    let connected = true;
    const queue = idleQueue(() => connected);
    queue.scheduleRequestTimeoutCheck();
    send(queue, 1, 5_000);
    send(queue, 2, 1_000);

    connected = false;
    jest.advanceTimersByTime(1_002);

    expect(jest.getTimerCount()).toBe(0);
  });

  it('when request timeouts are not enforced (enforceRequestTimeout: false), then no timer is armed at all', () => {
    patchKafkajsRequestTimeoutCheck();
    const queue = idleQueue();
    (queue as unknown as { enforceRequestTimeout: boolean }).enforceRequestTimeout = false;

    queue.scheduleRequestTimeoutCheck();
    send(queue, 1, 1_000);

    expect(jest.getTimerCount()).toBe(0);
  });

  it('when applied twice, then it stays one patch', () => {
    expect(patchKafkajsRequestTimeoutCheck()).toBe(true);
    expect(patchKafkajsRequestTimeoutCheck()).toBe(true);
    const queue = idleQueue();
    queue.scheduleRequestTimeoutCheck();
    const request = send(queue, 1, 1_000);

    jest.advanceTimersByTime(1_002);

    expect(request.timeoutRequest).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});
