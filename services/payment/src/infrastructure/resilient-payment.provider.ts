import {
  type AttemptContext,
  type FaultInjector,
  InjectedFaultError,
  type ResiliencePolicy,
} from '@rc/resilience';
import { ProviderUnavailableError } from '../domain/payment.errors';
import type {
  PaymentProvider,
  ProviderChargeRequest,
  ProviderChargeResult,
  ProviderRefundRequest,
} from '../domain/payment-provider.port';

/** Dependency name of the provider: the policy name and the fault-injection target. */
export const PROVIDER_DEPENDENCY = 'provider';

/** Decline code of a decline injected with a `{kind: 'error', status: 402}` fault. */
export const INJECTED_DECLINE_CODE = 'do_not_honor';

/**
 * Every provider call goes through the named policy `provider` (deadline → retry with budget →
 * breaker → bulkhead → attempt timeout) with fault injection inside it, so retries, breaker and
 * timeouts meet injected faults as they would meet real ones. Calls carry the payment id as
 * their idempotency key, which is what makes a retried charge safe.
 *
 * Fault targets on dependency `provider`: `latency` (slow provider), `error` 5xx / `abort`
 * (outage), and `error` with status 402 — a **decline** (`do_not_honor`), so a rule's
 * probability is the injected decline rate. A decline is an answer, not a failure: it never
 * counts against the breaker. Any failure to get an answer becomes `ProviderUnavailableError`.
 */
export class ResilientPaymentProvider implements PaymentProvider {
  constructor(
    private readonly inner: PaymentProvider,
    private readonly policy: ResiliencePolicy,
    private readonly faults?: FaultInjector,
  ) {}

  charge(request: ProviderChargeRequest): Promise<ProviderChargeResult> {
    const call = this.withFaults((_: AttemptContext) => this.inner.charge(request));
    return this.execute(async (attempt) => {
      try {
        return await call(attempt);
      } catch (error) {
        if (error instanceof InjectedFaultError && error.httpStatus === 402) {
          return { outcome: 'declined', declineCode: INJECTED_DECLINE_CODE };
        }
        throw error;
      }
    }, request.paymentId);
  }

  refund(request: ProviderRefundRequest): Promise<void> {
    return this.execute(
      this.withFaults((_: AttemptContext) => this.inner.refund(request)),
      `${request.paymentId}:refund`,
    );
  }

  private withFaults<R>(
    fn: (attempt: AttemptContext) => Promise<R>,
  ): (attempt: AttemptContext) => Promise<R> {
    return this.faults ? this.faults.wrapOutbound(PROVIDER_DEPENDENCY, fn) : fn;
  }

  private async execute<R>(
    fn: (attempt: AttemptContext) => Promise<R>,
    idempotencyKey: string,
  ): Promise<R> {
    try {
      return await this.policy.execute(fn, { idempotencyKey });
    } catch (error) {
      throw new ProviderUnavailableError(error, retryAfterOf(error));
    }
  }
}

/** The breaker's wait when it is open (so the client's Retry-After is honest), else 1 s. */
function retryAfterOf(error: unknown): number {
  const ms = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof ms === 'number' && ms > 0 ? ms : 1_000;
}
