import {
  ChargeOutcomeUnknownError,
  ProviderUnavailableError,
} from '../../src/domain/payment.errors';
import type {
  PaymentProvider,
  ProviderChargeLookup,
  ProviderChargeRequest,
  ProviderChargeResult,
  ProviderRefundRequest,
} from '../../src/domain/payment-provider.port';

/**
 * A provider whose answers a unit test decides, recording every call (a test double of the
 * port — the real adapters are tested on their own and in the integration suites).
 */
export class ScriptedProvider implements PaymentProvider {
  charges: ProviderChargeRequest[] = [];
  refunds: ProviderRefundRequest[] = [];
  nextCharge: ProviderChargeResult | 'unavailable' | 'unknown' = { outcome: 'approved' };
  refundFails = false;
  lookups: string[] = [];
  nextLookup: ProviderChargeLookup | 'unavailable' = { status: 'not_found' };

  async charge(request: ProviderChargeRequest): Promise<ProviderChargeResult> {
    this.charges.push(request);
    if (this.nextCharge === 'unavailable') throw new ProviderUnavailableError(new Error('down'));
    if (this.nextCharge === 'unknown') throw new ChargeOutcomeUnknownError(new Error('timeout'));
    return this.nextCharge;
  }

  async refund(request: ProviderRefundRequest): Promise<void> {
    this.refunds.push(request);
    if (this.refundFails) throw new ProviderUnavailableError(new Error('down'));
  }

  async lookup(paymentId: string): Promise<ProviderChargeLookup> {
    this.lookups.push(paymentId);
    if (this.nextLookup === 'unavailable') throw new ProviderUnavailableError(new Error('down'));
    return this.nextLookup;
  }
}
