import type { ResilientHttpClient } from '@rc/resilience';
import { z } from 'zod';
import type {
  ChargeRequest,
  ChargeResult,
  PaymentPort,
  PaymentSummary,
} from '../../domain/ports/payment.port';
import { callDependency } from './dependency-call';
import { answerOf } from './problem-of';

const paymentStatus = z.enum(['AUTHORIZED', 'CAPTURED', 'REFUNDED', 'FAILED']);
const chargeSchema = z.object({ paymentId: z.string().min(1).max(128), status: paymentStatus });
const paymentsSchema = z.object({
  items: z.array(z.object({ paymentId: z.string().min(1).max(128), status: paymentStatus })),
});

/**
 * {@link PaymentPort} over the payment service, policy `payment`. The charge carries the key
 * checkout derives (`order:<id>:charge`), never the client's: every retry of this order's charge
 * — the policy's, a client's retry, the recovery worker's — is the same charge to payment, which
 * stores one outcome per key and one live payment per order.
 *
 * Reading the outcome: answers payment gives under the key are authoritative (201 captured, 402
 * declined, 400 invalid, 503 `PAYMENT.PROVIDER_UNAVAILABLE` = nothing captured). When no attempt
 * can have reached the charge handler (never sent, or turned away by payment's rate limiter /
 * load shedder) nothing was charged either. Everything else — timeouts, resets, other 5xx, 409
 * "in flight" — is `unknown`: a capture may exist.
 */
export class PaymentHttpAdapter implements PaymentPort {
  constructor(private readonly client: ResilientHttpClient) {}

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const { orderId, amount, currency, token } = request;
    const result = await callDependency(this.client, {
      method: 'POST',
      path: '/v1/payments',
      urlTemplate: '/v1/payments',
      body: { orderId, amount, currency, token },
      idempotencyKey: `order:${orderId}:charge`,
      parse: (body) => chargeSchema.parse(body),
    });
    if (result.ok) {
      const { paymentId, status } = result.response.body;
      return status === 'CAPTURED'
        ? { kind: 'captured', paymentId }
        : { kind: 'unknown', cause: new Error(`charge answered with status ${status}`) };
    }
    const answer = answerOf(result.error);
    if (answer?.status === 402)
      return { kind: 'declined', declineCode: declineCodeOf(answer.problem) };
    if (answer?.status === 400 || answer?.code === 'PAYMENT.PROVIDER_UNAVAILABLE')
      return { kind: 'not_charged', cause: result.error };
    if (!result.maybeApplied) return { kind: 'not_charged', cause: result.error };
    return { kind: 'unknown', cause: result.error };
  }

  async paymentsOf(orderId: string): Promise<PaymentSummary[]> {
    const result = await callDependency(this.client, {
      path: '/v1/payments',
      urlTemplate: '/v1/payments',
      query: { orderId },
      parse: (body) => paymentsSchema.parse(body),
    });
    if (!result.ok) throw result.error;
    return result.response.body.items.map(({ paymentId, status }) => ({ paymentId, status }));
  }

  async refund(orderId: string, paymentId: string): Promise<void> {
    const result = await callDependency(this.client, {
      method: 'POST',
      path: `/v1/payments/${encodeURIComponent(paymentId)}/refund`,
      urlTemplate: '/v1/payments/:paymentId/refund',
      body: {},
      idempotencyKey: `order:${orderId}:refund`,
    });
    if (!result.ok) throw result.error;
  }
}

function declineCodeOf(problem: Record<string, unknown> | undefined): string | undefined {
  const code = problem?.declineCode ?? problem?.decline_code;
  return typeof code === 'string' && /^[a-z_]{1,64}$/.test(code) ? code : undefined;
}
