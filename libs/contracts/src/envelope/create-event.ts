import { randomUUID } from 'node:crypto';
import { EventValidationError } from '../contracts.errors';
import { EVENT_REGISTRY, type EventData, type EventType } from '../events/event-registry';
import { eventEnvelopeSchema, type EventOf } from './event-envelope.schema';
import { summarise, toValidationIssues } from './validation-issues';

/** Options of {@link createEvent}. */
export interface CreateEventOptions {
  /** Event id; a random UUID by default. Pass one to make a retried write produce the same id. */
  id?: string;
  /** When the fact happened; now by default. */
  occurredAt?: Date;
  /** Trace-context carrier (see @rc/messaging, which fills it from the active span). */
  trace?: Record<string, string>;
}

/**
 * Builds a validated event of registered type `type` at its current version. Validation runs on
 * produce exactly as on consume, so a bad event fails here, in the producer's own request,
 * instead of poisoning a consumer later.
 *
 * @throws EventValidationError (`CONTRACTS.INVALID_EVENT_DATA` or `CONTRACTS.INVALID_ENVELOPE`)
 */
export function createEvent<T extends EventType>(
  type: T,
  key: string,
  data: EventData<T>,
  options: CreateEventOptions = {},
): EventOf<T> {
  const definition = EVENT_REGISTRY[type];
  const id = options.id ?? randomUUID();
  const parsedData = definition.schema.safeParse(data);
  if (!parsedData.success) {
    const issues = toValidationIssues(parsedData.error, ['data']);
    throw new EventValidationError(
      'CONTRACTS.INVALID_EVENT_DATA',
      `invalid ${type} data: ${summarise(issues)}`,
      { eventType: type, eventId: id, issues },
    );
  }
  const envelope = eventEnvelopeSchema.safeParse({
    id,
    type,
    version: definition.version,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    key,
    trace: options.trace ?? {},
    data: parsedData.data,
  });
  if (!envelope.success) {
    const issues = toValidationIssues(envelope.error);
    throw new EventValidationError(
      'CONTRACTS.INVALID_ENVELOPE',
      `invalid ${type} envelope: ${summarise(issues)}`,
      { eventType: type, eventId: id, issues },
    );
  }
  return envelope.data as EventOf<T>;
}
