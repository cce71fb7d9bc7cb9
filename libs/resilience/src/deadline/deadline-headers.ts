import { systemClock, type Clock } from '../clock';
import { currentDeadline } from './deadline-context';
import { InvalidDeadlineHeaderError } from './deadline.errors';

/**
 * HTTP carries the RELATIVE budget left, in milliseconds (like gRPC's `grpc-timeout`): the
 * receiver turns it into its own absolute deadline (`its now + value`), so clock skew between
 * hosts does not matter; only the network transit time is not counted, which errs on the
 * generous side by a millisecond or so.
 */
export const REQUEST_TIMEOUT_HEADER = 'x-request-timeout-ms';

/**
 * Kafka carries the ABSOLUTE deadline in epoch ms: a message can wait in a topic for seconds or
 * hours, and that wait must count against the budget — a relative value cannot express that.
 * The price is sensitivity to clock skew between producer and consumer hosts (NTP keeps it to
 * milliseconds, far below the budgets involved).
 */
export const REQUEST_DEADLINE_HEADER = 'x-request-deadline';

const INTEGER = /^\d{1,15}$/;

/** Options for reading an inbound deadline. */
export interface InboundDeadlineOptions {
  /** Budget to apply when the caller sent none (undefined: no deadline). */
  defaultTimeoutMs?: number;
  /** Upper bound on the budget a caller may ask for; larger values are clamped. Default 60 s. */
  maxTimeoutMs?: number;
  clock?: Clock;
}

type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Reads the absolute deadline for an inbound HTTP request from `x-request-timeout-ms` (header
 * names lower-case, as Node delivers them). Returns undefined when absent and no default is set.
 * @throws InvalidDeadlineHeaderError when the header is present but malformed (map it to 400).
 */
export function deadlineFromHttpHeaders(
  headers: HeaderBag,
  options: InboundDeadlineOptions = {},
): number | undefined {
  const raw = headers[REQUEST_TIMEOUT_HEADER];
  const now = (options.clock ?? systemClock).now();
  const max = options.maxTimeoutMs ?? 60_000;
  if (raw === undefined) {
    return options.defaultTimeoutMs === undefined
      ? undefined
      : now + Math.min(options.defaultTimeoutMs, max);
  }
  if (typeof raw !== 'string' || !INTEGER.test(raw))
    throw new InvalidDeadlineHeaderError(REQUEST_TIMEOUT_HEADER);
  return now + Math.min(Number(raw), max);
}

/**
 * Writes the budget left until `deadlineAt` (default: the current request's deadline) into
 * `headers` as `x-request-timeout-ms`; does nothing without a deadline. Returns `headers`.
 */
export function setOutboundDeadlineHeader(
  headers: Record<string, string>,
  deadlineAt: number | undefined = currentDeadline(),
  clock: Clock = systemClock,
): Record<string, string> {
  if (deadlineAt !== undefined) {
    headers[REQUEST_TIMEOUT_HEADER] = String(Math.max(0, Math.floor(deadlineAt - clock.now())));
  }
  return headers;
}

/** Kafka message headers carrying the absolute deadline (empty object without a deadline). */
export function kafkaDeadlineHeaders(
  deadlineAt: number | undefined = currentDeadline(),
): Record<string, string> {
  return deadlineAt === undefined
    ? {}
    : { [REQUEST_DEADLINE_HEADER]: String(Math.floor(deadlineAt)) };
}

type KafkaHeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/**
 * Reads the absolute deadline from Kafka message headers (kafkajs delivers Buffers).
 * @throws InvalidDeadlineHeaderError when present but malformed.
 */
export function deadlineFromKafkaHeaders(
  headers: Readonly<Record<string, KafkaHeaderValue>> | undefined,
): number | undefined {
  const raw = headers?.[REQUEST_DEADLINE_HEADER];
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? undefined : raw.toString();
  if (text === undefined || !INTEGER.test(text))
    throw new InvalidDeadlineHeaderError(REQUEST_DEADLINE_HEADER);
  return Number(text);
}
