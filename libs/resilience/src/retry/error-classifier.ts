import { isResilienceError } from '../resilience.errors';

/** How an error bears on retrying. */
export interface ErrorClassification {
  /** Worth trying again (the same call may succeed later). */
  readonly transient: boolean;
  /** Bounded metric label, e.g. `connection_error`, `attempt_timeout`, `http_503`. */
  readonly reason: string;
  /** The request never reached the dependency, so even a non-idempotent call is safe to retry. */
  readonly requestNotSent: boolean;
  /** The server asked us not to retry (it is overloaded; somebody else already retried). */
  readonly doNotRetry: boolean;
}

/** Decides how an error bears on retrying; pluggable per policy. */
export type ErrorClassifier = (error: unknown) => ErrorClassification;

/**
 * Socket/DNS/undici error codes that mean "the network or the peer hiccuped": worth retrying.
 * ENOTFOUND is deliberately absent (a name that does not resolve is configuration, not load).
 */
export const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Codes raised before any byte of the request left: retrying cannot duplicate a side effect. */
export const NOT_SENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** HTTP statuses worth retrying: the dependency or a proxy was briefly unable to answer. */
export const TRANSIENT_HTTP_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

interface Signals {
  code?: unknown;
  cause?: unknown;
  doNotRetry?: unknown;
  requestNotSent?: unknown;
  status?: unknown;
  transient?: unknown;
}

const NOT_TRANSIENT: ErrorClassification = {
  transient: false,
  reason: 'not_transient',
  requestNotSent: false,
  doNotRetry: false,
};

/** Finds a socket/undici error code anywhere in the `cause` chain (fetch wraps them). */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as Signals).code;
    if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return code;
    current = (current as Signals).cause;
  }
  return undefined;
}

/**
 * The default classifier:
 * - a toolkit error ({@link isResilienceError}) is transient when its `transient` says so; the
 *   reason label is its code's suffix (`RESILIENCE.CIRCUIT_OPEN` → `circuit_open`), or
 *   `http_<status>` when it carries an HTTP status;
 * - any error with a known network code in its cause chain is transient (`connection_error`);
 * - everything else is not transient.
 * `doNotRetry: true` and `requestNotSent: true` properties on the error are honoured as is.
 */
export const defaultErrorClassifier: ErrorClassifier = (error) => {
  if (typeof error !== 'object' || error === null) return NOT_TRANSIENT;
  const signals = error as Signals;
  const doNotRetry = signals.doNotRetry === true;
  if (isResilienceError(error)) {
    const status = signals.status;
    return {
      transient: error.transient,
      reason:
        typeof status === 'number'
          ? `http_${status}`
          : error.code.slice(error.code.indexOf('.') + 1).toLowerCase(),
      requestNotSent: signals.requestNotSent === true,
      doNotRetry,
    };
  }
  const code = networkCode(error);
  if (code === undefined) return doNotRetry ? { ...NOT_TRANSIENT, doNotRetry } : NOT_TRANSIENT;
  return {
    transient: true,
    reason: 'connection_error',
    requestNotSent: NOT_SENT_NETWORK_CODES.has(code),
    doNotRetry,
  };
};
