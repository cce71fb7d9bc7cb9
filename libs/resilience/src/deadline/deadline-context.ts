import { AsyncLocalStorage } from 'node:async_hooks';
import { systemClock, type Clock } from '../clock';

/**
 * The request-scoped deadline: an absolute epoch-millisecond instant stored in
 * AsyncLocalStorage, so every outbound call made while handling a request sees the same budget
 * without threading it through function arguments. Set it at the edge (HTTP middleware, Kafka
 * handler) with {@link runWithDeadline}; read it with {@link currentDeadline} /
 * {@link remainingMs}. Absolute inside the process (cheap to compare, immune to how long the
 * code took to get here); relative on the HTTP wire (see deadline-headers.ts).
 */
const storage = new AsyncLocalStorage<number>();

/**
 * Runs `fn` with `deadlineAt` (epoch ms) as the current deadline. A nested deadline can only
 * shorten the enclosing one, never extend it: the caller's budget always wins.
 */
export function runWithDeadline<T>(deadlineAt: number, fn: () => T): T {
  const parent = storage.getStore();
  return storage.run(parent !== undefined && parent < deadlineAt ? parent : deadlineAt, fn);
}

/** The current request's deadline in epoch ms, or undefined outside {@link runWithDeadline}. */
export function currentDeadline(): number | undefined {
  return storage.getStore();
}

/** Milliseconds left until the current deadline (negative once past), or undefined if none. */
export function remainingMs(clock: Clock = systemClock): number | undefined {
  const deadlineAt = storage.getStore();
  return deadlineAt === undefined ? undefined : deadlineAt - clock.now();
}
