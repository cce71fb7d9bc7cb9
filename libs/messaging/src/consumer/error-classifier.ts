/**
 * What a consumer does with a handler error:
 * - `transient`: retry the handler with backoff (bounded), then dead-letter;
 * - `permanent`: dead-letter at once (retrying cannot help);
 * - `fatal`: stop consuming without committing, as if the process died (the consumer, not the
 *   message, is broken: dead-lettering would empty the topic into the DLQ).
 */
export type ErrorClass = 'transient' | 'permanent' | 'fatal';

/** Maps a handler error to an {@link ErrorClass}. */
export type ErrorClassifier = (error: unknown) => ErrorClass;

const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * SQLSTATE classes (first two characters) by meaning. Connection trouble, serialization
 * failures/deadlocks, resource limits, shutdowns and lock timeouts pass; bad data does not;
 * a missing table or column, bad credentials or a missing database mean the deployment is
 * wrong, which no message can be blamed for.
 */
const SQLSTATE_CLASSES: Record<string, ErrorClass> = {
  '08': 'transient', // connection exception
  '40': 'transient', // transaction rollback (serialization failure, deadlock)
  '53': 'transient', // insufficient resources (too many connections, disk full)
  '55': 'transient', // object not in prerequisite state (lock not available)
  '57': 'transient', // operator intervention (admin shutdown, query canceled)
  '58': 'transient', // system error
  '22': 'permanent', // data exception
  '23': 'permanent', // integrity constraint violation
  '42': 'fatal', // syntax error or access rule violation (undefined table/column)
  '28': 'fatal', // invalid authorization specification
  '3D': 'fatal', // invalid catalog name (database does not exist)
  '3F': 'fatal', // invalid schema name
};

/**
 * The default classification. In order: errors marked `fatal`; errors carrying a boolean
 * `transient` flag (this package's, @rc/resilience's and @rc/contracts' errors all do);
 * Postgres errors by SQLSTATE class; Node network errors; zod validation errors (permanent).
 * Anything else is `transient`: retried a bounded number of times, then dead-lettered, so an
 * unknown error costs some delay, never a lost message or a stuck partition.
 */
export function defaultClassifyError(error: unknown): ErrorClass {
  if (typeof error !== 'object' || error === null) return 'transient';
  const e = error as { fatal?: unknown; transient?: unknown; code?: unknown; severity?: unknown };
  if (e.fatal === true) return 'fatal';
  if (typeof e.transient === 'boolean') return e.transient ? 'transient' : 'permanent';
  if (typeof e.code === 'string') {
    if (TRANSIENT_NODE_CODES.has(e.code)) return 'transient';
    if (typeof e.severity === 'string' && e.code.length === 5) {
      return SQLSTATE_CLASSES[e.code.slice(0, 2)] ?? 'transient';
    }
  }
  if ((error as Error).name === 'ZodError') return 'permanent';
  return 'transient';
}

/** A stable code for an error, for the DLQ's error-code header: its `code`, else its name. */
export function errorCodeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Za-z0-9_.-]{1,100}$/.test(code)) return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && /^[A-Za-z0-9_]{1,100}$/.test(name)) return name;
  }
  return 'UNCLASSIFIED';
}
