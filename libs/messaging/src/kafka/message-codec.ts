import type { EventEnvelope } from '@rc/contracts';
import type { IHeaders, Message } from 'kafkajs';

/**
 * Kafka headers every event message carries besides its trace context, so tools and DLQ readers
 * can see what a message is without parsing its value.
 */
export const EVENT_HEADERS = {
  id: 'event-id',
  type: 'event-type',
  version: 'event-version',
  contentType: 'content-type',
} as const;

/**
 * The Kafka message for an event: key = envelope key (fixes the partition), value = the JSON
 * envelope, headers = trace context + event id/type/version. `traceHeaders` wins over the
 * envelope's own `trace` (it is the producer span's context when one exists).
 */
export function encodeEvent(
  event: EventEnvelope,
  traceHeaders: Record<string, string> = {},
): Message {
  return {
    key: event.key,
    value: JSON.stringify(event),
    headers: {
      ...event.trace,
      ...traceHeaders,
      [EVENT_HEADERS.id]: event.id,
      [EVENT_HEADERS.type]: event.type,
      [EVENT_HEADERS.version]: String(event.version),
      [EVENT_HEADERS.contentType]: 'application/json',
    },
  };
}

/** Kafka headers as plain strings (UTF-8; a repeated header keeps its last value). */
export function headersToRecord(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}
