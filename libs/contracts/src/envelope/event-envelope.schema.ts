import { z } from 'zod';
import type { EventData, EventType } from '../events/event-registry';

/**
 * The W3C trace-context carrier travelling with an event (`traceparent`, `tracestate`,
 * `baggage`, or whatever the configured propagator writes): lower-case names, bounded values.
 */
export const traceCarrierSchema = z
  .record(z.string().regex(/^[a-z0-9-]{1,64}$/), z.string().max(8192))
  .refine((carrier) => Object.keys(carrier).length <= 16, 'at most 16 trace headers');

/**
 * The envelope every event travels in, on Kafka and in the outbox. `data` is checked separately
 * against the schema registered for `type` and `version` (see `parseEvent`).
 */
export const eventEnvelopeSchema = z.object({
  /** Unique event id (UUID): consumers deduplicate on it. */
  id: z.uuid(),
  /** Registered event type, e.g. `OrderPlaced`. */
  type: z.string().regex(/^[A-Z][A-Za-z0-9]{0,99}$/, 'must be a PascalCase event type'),
  /** Schema version of `data` for this type. */
  version: z.int().positive(),
  /** When the fact happened (ISO-8601 with an offset, normally `Z`). */
  occurredAt: z.iso.datetime({ offset: true }),
  /** Aggregate id the event is about; also the Kafka message key (fixes the partition). */
  key: z.string().min(1).max(256),
  /** Trace context of the operation that produced the event. */
  trace: traceCarrierSchema.default({}),
  /** The event's payload; validated by the registered data schema. */
  data: z.unknown(),
});

/** An envelope around data of type `D`. */
export interface EventEnvelope<T extends string = string, D = unknown> {
  /** Unique event id (UUID). */
  readonly id: string;
  /** Event type name. */
  readonly type: T;
  /** Schema version of `data`. */
  readonly version: number;
  /** ISO-8601 time the fact happened. */
  readonly occurredAt: string;
  /** Aggregate id; the Kafka message key. */
  readonly key: string;
  /** W3C trace-context carrier. */
  readonly trace: Readonly<Record<string, string>>;
  /** The validated payload. */
  readonly data: D;
}

/** A validated event of registered type `T`. */
export type EventOf<T extends EventType> = EventEnvelope<T, EventData<T>>;

/**
 * Any validated platform event: a discriminated union on `type`, so `switch (event.type)`
 * narrows `event.data` to the matching schema.
 */
export type DomainEvent = { [T in EventType]: EventOf<T> }[EventType];
