import { createRequire } from 'node:module';
import { patchKafkajsIdleTimer } from './kafkajs-idle-timer';

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  checkPendingRequests(): void;
  destroy?: () => void;
}

const RequestQueue = createRequire(__filename)('kafkajs/src/network/requestQueue/index.js') as new (
  options: Record<string, unknown>,
) => Queue;

function idleQueue(): Queue {
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
  });
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
