/**
 * Base class of every error this package raises. `code` is stable (safe to branch on, log and map
 * to an HTTP problem or a dead-letter reason); the marker property lets {@link isContractError}
 * recognise the error across two copies of the package. Contract errors are never transient:
 * the same input fails the same way every time, so retrying is pointless.
 */
export abstract class ContractError extends Error {
  /** Marker checked by {@link isContractError}. */
  readonly isContractError = true as const;
  /** Stable, dot-separated error code, e.g. `CONTRACTS.UNKNOWN_EVENT_TYPE`. */
  abstract readonly code: string;
  /** Always false: bad input stays bad (consumers dead-letter it instead of retrying). */
  readonly transient = false as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** True when `e` is a {@link ContractError} from any copy of this package. */
export function isContractError(e: unknown): e is ContractError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { isContractError?: unknown }).isContractError === true
  );
}

/** Why an event was rejected; each value is a stable error code. */
export type EventValidationCode =
  /** The bytes are not JSON. */
  | 'CONTRACTS.INVALID_JSON'
  /** The envelope (id, type, version, occurredAt, key, trace, data) is malformed. */
  | 'CONTRACTS.INVALID_ENVELOPE'
  /** `type` is not in the event registry. */
  | 'CONTRACTS.UNKNOWN_EVENT_TYPE'
  /** `type` is known but this `version` is not the one the registry accepts. */
  | 'CONTRACTS.UNSUPPORTED_VERSION'
  /** `data` does not match the schema registered for the type. */
  | 'CONTRACTS.INVALID_EVENT_DATA'
  /** The event arrived on (or is being sent to) a topic its type does not belong to. */
  | 'CONTRACTS.WRONG_TOPIC';

/** One schema violation: where (`path`, e.g. `data.items.0.quantity`) and what, never the value. */
export interface ValidationIssue {
  /** Dot-joined path inside the envelope; empty for the root. */
  path: string;
  /** Human-readable description from the schema (never includes the offending value). */
  message: string;
}

/**
 * An event failed validation on produce or consume. Carries the event `type`/`id` when they could
 * be read, so a dead-letter entry or log line can point at the event without copying its data.
 */
export class EventValidationError extends ContractError {
  readonly code: EventValidationCode;
  /** Each schema violation found (empty for JSON syntax errors and unknown types). */
  readonly issues: readonly ValidationIssue[];
  /** The event type, when the envelope had a readable one. */
  readonly eventType: string | undefined;
  /** The event id, when the envelope had a readable one. */
  readonly eventId: string | undefined;

  constructor(
    code: EventValidationCode,
    message: string,
    details: {
      issues?: readonly ValidationIssue[];
      eventType?: string;
      eventId?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
    this.code = code;
    this.issues = details.issues ?? [];
    this.eventType = details.eventType;
    this.eventId = details.eventId;
  }
}
