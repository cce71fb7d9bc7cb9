import { ProviderUnavailableError } from '../../src/domain/payment.errors';
import type {
  PaymentProvider,
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
  nextCharge: ProviderChargeResult | 'unavailable' = { outcome: 'approved' };
  refundFails = false;

  async charge(request: ProviderChargeRequest): Promise<ProviderChargeResult> {
    this.charges.push(request);
    if (this.nextCharge === 'unavailable') throw new ProviderUnavailableError(new Error('down'));
    return this.nextCharge;
  }

  async refund(request: ProviderRefundRequest): Promise<void> {
    this.refunds.push(request);
    if (this.refundFails) throw new ProviderUnavailableError(new Error('down'));
  }
}
