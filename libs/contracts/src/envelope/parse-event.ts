import { EventValidationError } from '../contracts.errors';
import { EVENT_REGISTRY, isEventType } from '../events/event-registry';
import { eventEnvelopeSchema, type DomainEvent } from './event-envelope.schema';
import { summarise, toValidationIssues } from './validation-issues';

/** Outcome of {@link parseEvent}: a typed event or a typed validation error, never a throw. */
export type ParseEventResult =
  | { readonly ok: true; readonly event: DomainEvent }
  | { readonly ok: false; readonly error: EventValidationError };

/** Options of {@link parseEvent}. */
export interface ParseEventOptions {
  /**
   * The topic the event was read from. When set, an event whose type belongs to another domain
   * topic is rejected (`CONTRACTS.WRONG_TOPIC`). Leave unset when topics carry a prefix or
   * suffix (test runs, environments) that the registry does not know about.
   */
  topic?: string;
}

/**
 * Validates an event as received: JSON text/bytes or an already-parsed object. Checks the
 * envelope, that the type is registered, that the version is the registered one and that `data`
 * matches the type's schema. Unknown fields in `data` are dropped (tolerant reader).
 */
export function parseEvent(
  /** JSON text, UTF-8 bytes (a Kafka message value) or an already-parsed value. */
  raw: unknown,
  options: ParseEventOptions = {},
): ParseEventResult {
  let value: unknown = raw;
  if (typeof raw === 'string' || raw instanceof Uint8Array) {
    const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
    try {
      value = JSON.parse(text);
    } catch (e) {
      return fail(
        new EventValidationError('CONTRACTS.INVALID_JSON', 'event is not JSON', { cause: e }),
      );
    }
  }

  const envelope = eventEnvelopeSchema.safeParse(value);
  if (!envelope.success) {
    const issues = toValidationIssues(envelope.error);
    const { type, id } = readableIdentity(value);
    return fail(
      new EventValidationError(
        'CONTRACTS.INVALID_ENVELOPE',
        `invalid envelope: ${summarise(issues)}`,
        {
          issues,
          ...(type !== undefined && { eventType: type }),
          ...(id !== undefined && { eventId: id }),
        },
      ),
    );
  }

  const { type, id, version } = envelope.data;
  const identity = { eventType: type, eventId: id };
  if (!isEventType(type)) {
    return fail(
      new EventValidationError(
        'CONTRACTS.UNKNOWN_EVENT_TYPE',
        `unknown event type ${type}`,
        identity,
      ),
    );
  }
  const definition = EVENT_REGISTRY[type];
  if (version !== definition.version) {
    return fail(
      new EventValidationError(
        'CONTRACTS.UNSUPPORTED_VERSION',
        `${type} version ${version} is not supported (expected ${definition.version})`,
        identity,
      ),
    );
  }
  if (options.topic !== undefined && options.topic !== definition.topic) {
    return fail(
      new EventValidationError(
        'CONTRACTS.WRONG_TOPIC',
        `${type} belongs on topic ${definition.topic}, not ${options.topic}`,
        identity,
      ),
    );
  }

  const data = definition.schema.safeParse(envelope.data.data);
  if (!data.success) {
    const issues = toValidationIssues(data.error, ['data']);
    return fail(
      new EventValidationError(
        'CONTRACTS.INVALID_EVENT_DATA',
        `invalid ${type} data: ${summarise(issues)}`,
        {
          ...identity,
          issues,
        },
      ),
    );
  }
  return { ok: true, event: { ...envelope.data, data: data.data } as DomainEvent };
}

function fail(error: EventValidationError): ParseEventResult {
  return { ok: false, error };
}

/** Best-effort type/id of a malformed envelope, so the error can still name the event. */
function readableIdentity(value: unknown): { type?: string; id?: string } {
  if (typeof value !== 'object' || value === null) return {};
  const { type, id } = value as { type?: unknown; id?: unknown };
  return {
    ...(typeof type === 'string' && type.length <= 100 && { type }),
    ...(typeof id === 'string' && id.length <= 100 && { id }),
  };
}
