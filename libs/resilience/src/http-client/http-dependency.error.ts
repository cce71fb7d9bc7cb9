import { ResilienceError } from '../resilience.errors';
import {
  NOT_SENT_NETWORK_CODES,
  TRANSIENT_HTTP_STATUSES,
  TRANSIENT_NETWORK_CODES,
} from '../retry/error-classifier';

/** RFC 9457 problem details as sent by a dependency (extension members kept as-is). */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  /** Stable error code, when the dependency follows this platform's convention. */
  code?: string;
  [extension: string]: unknown;
}

/** What went wrong talking to the dependency. */
export type HttpFailureKind = 'status' | 'unreachable' | 'bad_response';

const CODES: Readonly<Record<HttpFailureKind, string>> = {
  status: 'RESILIENCE.DEPENDENCY_HTTP_ERROR',
  unreachable: 'RESILIENCE.DEPENDENCY_UNREACHABLE',
  bad_response: 'RESILIENCE.DEPENDENCY_BAD_RESPONSE',
};

/** Where the request went (no query string: it may carry things that must not be logged). */
export interface HttpCallSite {
  dependency: string;
  method: string;
  path: string;
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A call to a dependency over HTTP failed. Three kinds, three stable codes:
 * - `RESILIENCE.DEPENDENCY_HTTP_ERROR`: it answered with a non-2xx `status` (and maybe a
 *   problem+json body in `problem`). Transient for 408/429/502/503/504; counts against the
 *   breaker only for 5xx (a 4xx is the caller's fault, a 429 is flow control);
 * - `RESILIENCE.DEPENDENCY_UNREACHABLE`: no response (connection refused/reset, DNS...); transient
 *   for the usual network codes; `requestNotSent` when the connection was never made;
 * - `RESILIENCE.DEPENDENCY_BAD_RESPONSE`: 2xx with an unparseable or invalid body; not transient.
 */
export class HttpDependencyError extends ResilienceError {
  readonly code: string;
  readonly transient: boolean;
  readonly dependency: string;
  readonly method: string;
  readonly path: string;
  /** Never sent: safe to retry even when not idempotent. */
  readonly requestNotSent: boolean;
  /** Whether the circuit breaker counts this against the dependency. */
  readonly countsAsFailure: boolean;
  /** HTTP status of the response, for `status` failures. */
  readonly status: number | undefined;
  /** Parsed problem+json body, if the dependency sent one. */
  readonly problem: ProblemDetails | undefined;
  /** The dependency asked callers not to retry (`x-retry: no`). */
  readonly doNotRetry: boolean;

  private constructor(
    readonly kind: HttpFailureKind,
    site: HttpCallSite,
    message: string,
    options: {
      status?: number;
      problem?: ProblemDetails;
      retryAfterMs?: number;
      doNotRetry?: boolean;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause, retryAfterMs: options.retryAfterMs });
    this.code = CODES[kind];
    this.dependency = site.dependency;
    this.method = site.method;
    this.path = site.path;
    this.status = options.status;
    this.problem = options.problem;
    this.doNotRetry = options.doNotRetry ?? false;
    const netCode = kind === 'unreachable' ? networkCode(options.cause) : undefined;
    this.transient =
      kind === 'status'
        ? TRANSIENT_HTTP_STATUSES.has(options.status ?? 0)
        : kind === 'unreachable' && netCode !== undefined && TRANSIENT_NETWORK_CODES.has(netCode);
    this.requestNotSent = netCode !== undefined && NOT_SENT_NETWORK_CODES.has(netCode);
    this.countsAsFailure = kind !== 'status' || (options.status ?? 0) >= 500;
  }

  /** A non-2xx response. */
  static fromResponse(
    site: HttpCallSite,
    status: number,
    extra: { problem?: ProblemDetails; retryAfterMs?: number; doNotRetry?: boolean },
  ): HttpDependencyError {
    const code = typeof extra.problem?.code === 'string' ? ` (${extra.problem.code})` : '';
    return new HttpDependencyError(
      'status',
      site,
      `${site.dependency} answered ${status}${code} to ${site.method} ${site.path}`,
      { status, ...extra },
    );
  }

  /** No response at all. */
  static unreachable(site: HttpCallSite, cause: unknown): HttpDependencyError {
    const code = networkCode(cause);
    return new HttpDependencyError(
      'unreachable',
      site,
      `${site.dependency} unreachable for ${site.method} ${site.path}${code ? ` (${code})` : ''}`,
      { cause },
    );
  }

  /** A 2xx whose body could not be parsed or validated. */
  static badResponse(site: HttpCallSite, status: number, cause: unknown): HttpDependencyError {
    return new HttpDependencyError(
      'bad_response',
      site,
      `${site.dependency} sent an invalid body with ${status} to ${site.method} ${site.path}`,
      { cause },
    );
  }
}
