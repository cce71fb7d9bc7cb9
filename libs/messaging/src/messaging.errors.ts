/**
 * Base class of every error this package raises. `code` is stable; `transient` says whether the
 * same operation may succeed later. The shape (code + transient) matches @rc/resilience's errors
 * so one classifier serves both; the marker property survives two copies of the package.
 */
export abstract class MessagingError extends Error {
  /** Marker checked by {@link isMessagingError}. */
  readonly isMessagingError = true as const;
  /** Stable, dot-separated error code, e.g. `MESSAGING.RELAY_FENCED`. */
  abstract readonly code: string;
  /** Whether retrying the same operation later may succeed. */
  abstract readonly transient: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** True when `e` is a {@link MessagingError} from any copy of this package. */
export function isMessagingError(e: unknown): e is MessagingError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { isMessagingError?: unknown }).isMessagingError === true
  );
}

/**
 * Thrown by an event handler when the message can never be processed (a business rule rejects
 * it, it references something that will never exist). The consumer dead-letters it at once
 * instead of retrying. `code` lands in the DLQ entry's `dlq-error-code` header.
 */
export class PermanentHandlerError extends MessagingError {
  readonly transient = false as const;
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Thrown by an event handler when the *consumer*, not the message, is broken (a missing table,
 * revoked credentials, a bug): dead-lettering would only move every following message to the
 * DLQ. The consumer stops without committing the offset, exactly as if the process had died, so
 * the message is delivered again once the cause is fixed.
 */
export class FatalHandlerError extends MessagingError {
  /** Marker the consumer's classifier checks (works across two copies of the package). */
  readonly fatal = true as const;
  readonly transient = false as const;
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * The outbox relay found that another relay holds a newer lease epoch while it still believed it
 * was the leader (its lock session was lost). It stops publishing at once; see the README.
 */
export class RelayFencedError extends MessagingError {
  readonly code = 'MESSAGING.RELAY_FENCED';
  readonly transient = true as const;

  constructor(relay: string, myEpoch: number) {
    super(`outbox relay ${relay} lost its lease (epoch ${myEpoch} is no longer current)`);
  }
}

/** An outbox row, a message or a handler call was cut short because the component is stopping. */
export class StoppingError extends MessagingError {
  readonly code = 'MESSAGING.STOPPING';
  readonly transient = true as const;

  constructor(what: string) {
    super(`${what} is stopping`);
  }
}
