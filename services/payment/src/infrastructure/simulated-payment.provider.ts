import type {
  PaymentProvider,
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
} as const;

/**
 * An in-process stand-in for a card provider's sandbox: `tok_visa` approves, `tok_declined`
 * declines with `card_declined`, any other token declines with `invalid_token`. Like a real
 * provider it is idempotent per payment id (the idempotency key it is given): a repeated charge
 * or refund returns the first result and moves no money twice. Outages, latency and extra
 * declines are not its business — they are injected around it (dependency `provider`), so the
 * resilience policy meets them exactly as it would meet a real provider's.
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  private readonly charges = new Map<string, ProviderChargeResult>();
  private readonly refunds = new Set<string>();

  constructor(private readonly maxRemembered = 100_000) {}

  /** Charges that moved money (approved), for tests and demos. */
  get capturedCount(): number {
    return [...this.charges.values()].filter((r) => r.outcome === 'approved').length;
  }

  /** Refunds that moved money back. */
  get refundedCount(): number {
    return this.refunds.size;
  }

  async charge(request: ProviderChargeRequest): Promise<ProviderChargeResult> {
    const previous = this.charges.get(request.paymentId);
    if (previous) return previous;
    const result: ProviderChargeResult =
      request.token === TEST_TOKENS.approve
        ? { outcome: 'approved' }
        : {
            outcome: 'declined',
            declineCode: request.token === TEST_TOKENS.decline ? 'card_declined' : 'invalid_token',
          };
    this.remember(this.charges, request.paymentId, result);
    return result;
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

  /** Bounded memory: the oldest results are forgotten first (a Map iterates in insertion order). */
  private remember(
    map: Map<string, ProviderChargeResult>,
    key: string,
    value: ProviderChargeResult,
  ): void {
    map.set(key, value);
    if (map.size > this.maxRemembered) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
  }
}
