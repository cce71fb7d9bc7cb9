import { ResilienceError } from '../resilience.errors';

/** `PolicyRegistry.get` was asked for a dependency that has no policy configured. */
export class UnknownPolicyError extends ResilienceError {
  readonly code = 'RESILIENCE.UNKNOWN_POLICY';
  readonly transient = false;

  constructor(
    /** The name asked for. */
    readonly policy: string,
    known: readonly string[],
  ) {
    super(`No resilience policy named "${policy}" (configured: ${known.join(', ') || 'none'})`);
  }
}
