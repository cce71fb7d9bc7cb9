import {
  type AttemptContext,
  type FaultInjector,
  InjectedFaultError,
  type ResiliencePolicy,
} from '@rc/resilience';
import { ChargeOutcomeUnknownError, ProviderUnavailableError } from '../domain/payment.errors';
import type {
  PaymentProvider,
  ProviderChargeLookup,
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
 * counts against the breaker.
 *
 * A charge that gets no answer is classified by what its attempts may have done. Injected faults
 * strike before the call (the request never left), the breaker, bulkhead and deadline reject
 * before it, and the adapter rejects with `ProviderUnavailableError` when the provider refused
 * before charging: if every attempt ended so, nothing was charged → `ProviderUnavailableError`.
 * If any attempt reached the provider and got no definite answer (it timed out, the connection
 * dropped after sending) the money may be taken → `ChargeOutcomeUnknownError`, even when a later
 * attempt was refused: a refusal of attempt 2 says nothing about attempt 1.
 */
export class ResilientPaymentProvider implements PaymentProvider {
  constructor(
    private readonly inner: PaymentProvider,
    private readonly policy: ResiliencePolicy,
    private readonly faults?: FaultInjector,
  ) {}

  async charge(request: ProviderChargeRequest): Promise<ProviderChargeResult> {
    // One entry per attempt that sent the request; `answered` once it got a definite answer.
    const sent: { answered: boolean }[] = [];
    const call = this.withFaults((_: AttemptContext) => {
      const attempt = { answered: false };
      sent.push(attempt);
      return this.inner.charge(request).then(
        (result) => {
          attempt.answered = true;
          return result;
        },
        (error: unknown) => {
          if (error instanceof ProviderUnavailableError) attempt.answered = true;
          throw error;
        },
      );
    });
    try {
      return await this.execute(async (attempt) => {
        try {
          return await call(attempt);
        } catch (error) {
          if (error instanceof InjectedFaultError && error.httpStatus === 402) {
            return { outcome: 'declined', declineCode: INJECTED_DECLINE_CODE };
          }
          throw error;
        }
      }, request.paymentId);
    } catch (error) {
      // `execute` rejects with ProviderUnavailableError only.
      const unavailable = error as ProviderUnavailableError;
      if (sent.some((attempt) => !attempt.answered)) {
        throw new ChargeOutcomeUnknownError(unavailable.cause, unavailable.retryAfterMs);
      }
      throw unavailable;
    }
  }

  lookup(paymentId: string): Promise<ProviderChargeLookup> {
    return this.execute(
      this.withFaults((_: AttemptContext) => this.inner.lookup(paymentId)),
      `${paymentId}:lookup`,
    );
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

  /** Runs `fn` through the policy; any failure becomes `ProviderUnavailableError`. */
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
