import { ResilienceError } from '../resilience.errors';
import type { FaultTarget } from './fault-rule';

/**
 * A failure produced on purpose by a fault-injection rule (`error` or `abort`). It looks like
 * the real failure to the code around it: `status`/`httpStatus` carry the simulated HTTP status
 * (the retry classifier and the edge read them), `transient` follows the status (5xx, 408, 429)
 * or is true for a connection reset, whose `cause` carries `code: 'ECONNRESET'`. `injected`
 * and `ruleId` let logs and tests tell it from a real failure.
 */
export class InjectedFaultError extends ResilienceError {
  readonly code: 'FAULT_INJECTION.ERROR' | 'FAULT_INJECTION.ABORT';
  readonly transient: boolean;
  /** Marks the error as injected. */
  readonly injected = true as const;
  /** Simulated HTTP status (what the edge answers inbound; what the dependency "answered" outbound). */
  readonly httpStatus: number;
  /** Same as `httpStatus`, under the name the retry classifier reads. */
  readonly status: number;
  /** No extra response headers. */
  readonly headers: Record<string, string> = {};

  constructor(
    readonly ruleId: string,
    readonly target: FaultTarget,
    spec: { kind: 'error'; status?: number; message?: string } | { kind: 'abort' },
  ) {
    const abort = spec.kind === 'abort';
    const status = abort ? 502 : (spec.status ?? 500);
    const message = abort
      ? `injected connection reset (rule ${ruleId})`
      : (spec.message ?? `injected error ${status} (rule ${ruleId})`);
    const cause = abort
      ? Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
      : undefined;
    super(message, { cause });
    this.code = abort ? 'FAULT_INJECTION.ABORT' : 'FAULT_INJECTION.ERROR';
    this.httpStatus = status;
    this.status = status;
    this.transient = abort || status >= 500 || status === 408 || status === 429;
  }
}

/**
 * Fault rules (from the admin API or config) that were not taken — the previous rules stay in
 * force: a final client error, answered with its `httpStatus` and no extra headers.
 */
export abstract class FaultRulesRefusedError extends ResilienceError {
  readonly transient = false;
  /** HTTP status the edge answers with. */
  abstract readonly httpStatus: number;
  /** No extra response headers. */
  readonly headers: Record<string, string> = {};
}

/** Fault rules sent to the admin API or given in config are invalid: HTTP 400 with the issues. */
export class FaultRulesInvalidError extends FaultRulesRefusedError {
  readonly code = 'FAULT_INJECTION.INVALID_RULES';
  readonly httpStatus = 400;

  constructor(
    /** One line per problem: `<path>: <message>`. */
    readonly issues: string[],
  ) {
    super(`invalid fault rules: ${issues.join('; ')}`);
  }
}

/**
 * Fault rules of a destructive kind (`cpu`, `memory`, `exit`: they act on the whole process, not
 * on one call) were sent while this process does not allow them (`ALLOW_DESTRUCTIVE_FAULTS`):
 * HTTP 403.
 * The previous rules stay in force.
 */
export class DestructiveFaultsRefusedError extends FaultRulesRefusedError {
  readonly code = 'FAULT_INJECTION.DESTRUCTIVE_REFUSED';
  readonly httpStatus = 403;

  constructor(
    /** Ids of the refused rules. */
    readonly ruleIds: string[],
  ) {
    super(
      `destructive fault rules (cpu, memory, exit) are not allowed in this process (set ALLOW_DESTRUCTIVE_FAULTS=true to allow them): ${ruleIds.join(', ')}`,
    );
  }
}
