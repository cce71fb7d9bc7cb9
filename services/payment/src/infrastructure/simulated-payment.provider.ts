import type {
  PaymentProvider,
  ProviderChargeLookup,
  ProviderChargeRequest,
  ProviderChargeResult,
  ProviderRefundRequest,
} from '../domain/payment-provider.port';

/** Test tokens of the simulated provider (like a real provider's sandbox cards). */
export const TEST_TOKENS = {
  /** Approves. */
  approve: 'tok_visa',
  /** Declines with `card_declined`. */
  decline: 'tok_declined',
  /**
   * Charges (the money is taken), then never answers the charge call — every retry of it
   * included — so the caller times out: the ambiguous outcome a real provider's timeout gives.
   * {@link SimulatedPaymentProvider.lookup} reports the capture.
   */
  timeoutAfterCharge: 'tok_timeout_after_charge',
} as const;

/** A charge the simulator made: its verdict and what it took. */
interface SimulatedCharge {
  result: ProviderChargeResult;
  amount: number;
  currency: string;
}

/**
 * An in-process stand-in for a card provider's sandbox: `tok_visa` approves, `tok_declined`
 * declines with `card_declined`, `tok_timeout_after_charge` approves but never answers, any
 * other token declines with `invalid_token`. Like a real provider it is idempotent per payment
 * id (the idempotency key it is given): a repeated charge or refund returns the first result and
 * moves no money twice, and {@link lookup} tells what a key's charge became. Outages, latency
 * and extra declines are not its business — they are injected around it (dependency
 * `provider`), so the resilience policy meets them exactly as it would meet a real provider's.
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  private readonly charges = new Map<string, SimulatedCharge>();
  private readonly refunds = new Set<string>();
  /** Payment ids whose charge calls never answer (`tok_timeout_after_charge`). */
  private readonly silent = new Set<string>();

  constructor(private readonly maxRemembered = 100_000) {}

  /** Charges that moved money (approved), for tests and demos. */
  get capturedCount(): number {
    return [...this.charges.values()].filter((c) => c.result.outcome === 'approved').length;
  }

  /** Refunds that moved money back. */
  get refundedCount(): number {
    return this.refunds.size;
  }

  async charge(request: ProviderChargeRequest): Promise<ProviderChargeResult> {
    const previous = this.charges.get(request.paymentId);
    if (!previous) {
      if (request.token === TEST_TOKENS.timeoutAfterCharge) this.silent.add(request.paymentId);
      this.remember(this.charges, request.paymentId, {
        result: verdictOf(request.token),
        amount: request.amount,
        currency: request.currency,
      });
    }
    // The answer is lost on the way back: the caller's attempt timeout ends the wait.
    if (this.silent.has(request.paymentId)) return new Promise<never>(() => undefined);
    return this.charges.get(request.paymentId)!.result;
  }

  /**
   * Records the refund. The simulator keeps no durable ledger, so after a restart it cannot
   * know what it captured before: it accepts the refund rather than strand a compensation.
   */
  async refund(request: ProviderRefundRequest): Promise<void> {
    this.refunds.add(request.paymentId);
    if (this.refunds.size > this.maxRemembered) {
      const oldest = this.refunds.values().next().value;
      if (oldest !== undefined) this.refunds.delete(oldest);
    }
  }

  /**
   * What the charge under `paymentId` became. A charge forgotten (a restart, or beyond
   * `maxRemembered`) is `not_found`: the simulator has no durable ledger.
   */
  async lookup(paymentId: string): Promise<ProviderChargeLookup> {
    const charge = this.charges.get(paymentId);
    if (!charge) return { status: 'not_found' };
    if (charge.result.outcome === 'declined') {
      return { status: 'declined', declineCode: charge.result.declineCode };
    }
    return { status: 'captured', amount: charge.amount, currency: charge.currency };
  }

  /** Bounded memory: the oldest results are forgotten first (a Map iterates in insertion order). */
  private remember(map: Map<string, SimulatedCharge>, key: string, value: SimulatedCharge): void {
    map.set(key, value);
    if (map.size > this.maxRemembered) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) {
        map.delete(oldest);
        this.silent.delete(oldest);
      }
    }
  }
}

function verdictOf(token: string): ProviderChargeResult {
  if (token === TEST_TOKENS.approve || token === TEST_TOKENS.timeoutAfterCharge) {
    return { outcome: 'approved' };
  }
  return {
    outcome: 'declined',
    declineCode: token === TEST_TOKENS.decline ? 'card_declined' : 'invalid_token',
  };
}
