import { randomUUID } from 'node:crypto';
import { PaymentDeclinedError, ProviderUnavailableError } from './domain/payment.errors';
import { finalErrorResponse } from './payment.module';

describe('finalErrorResponse', () => {
  it('when a charge was declined, then the 402 problem is stored as the final answer of its key', () => {
    const paymentId = randomUUID();

    const stored = finalErrorResponse(new PaymentDeclinedError(paymentId, 'card_declined'));

    expect(stored).toEqual({
      status: 402,
      headers: { 'content-type': 'application/problem+json; charset=utf-8' },
      body: expect.objectContaining({
        status: 402,
        code: 'PAYMENT.DECLINED',
        paymentId,
        declineCode: 'card_declined',
      }),
    });
  });

  it('when the provider was unavailable or anything else failed, then the key is released (nothing stored)', () => {
    expect(finalErrorResponse(new ProviderUnavailableError(new Error('down')))).toBeUndefined();
    expect(finalErrorResponse(new Error('boom'))).toBeUndefined();
  });
});
