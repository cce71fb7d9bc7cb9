import { AppError } from './app-error';

/**
 * 503: the request needed a data store (Postgres, Redis) that could not be reached in time —
 * no pooled connection within the pool's wait, a refused or dropped connection, a server that is
 * shutting down or out of connection slots. The client may retry shortly (`Retry-After: 1`);
 * nothing of the cause reaches it. Logged as back-pressure (debug): the outage itself shows in
 * the readiness checks and the `db_client_*` metrics, not in a log line per request.
 */
export class DataStoreUnavailableError extends AppError {
  readonly code = 'DATA_STORE.UNAVAILABLE';
  readonly httpStatus = 503;
  constructor(cause: unknown) {
    super('A data store this request needs is unavailable; retry shortly.', {
      cause,
      retryAfterMs: 1_000,
    });
  }
}

/** Socket errors of a connection that could not be made or was lost. */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
]);
/**
 * Postgres SQLSTATEs of a server that cannot serve the connection: class 08 (connection
 * exception), 53300 too_many_connections, 57P01–57P03 (shutdown, crash, cannot connect now).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|53300|57P0[1-3])$/;
/** node-postgres messages without a code: the pool's wait for a connection, a dropped socket. */
const UNAVAILABLE_MESSAGE =
  /^(timeout exceeded when trying to connect|Connection terminated (unexpectedly|due to connection timeout))/;

/**
 * The error as a {@link DataStoreUnavailableError} when it says a data store could not be
 * reached (see above), else undefined. Errors a service already mapped are left alone.
 */
export function dataStoreUnavailable(error: unknown): DataStoreUnavailableError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ((error as { isAppError?: unknown }).isAppError === true) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const unavailable =
    (typeof code === 'string' &&
      (CONNECTION_ERRNOS.has(code) || UNAVAILABLE_SQLSTATE.test(code))) ||
    (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message));
  return unavailable ? new DataStoreUnavailableError(error) : undefined;
}
