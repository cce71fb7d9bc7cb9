import { randomUUID } from 'node:crypto';
import { InMemoryPayments } from '../../test/support/in-memory-payments';
import { ScriptedProvider } from '../../test/support/scripted-provider';
import { PaymentNotFoundError, PaymentNotRefundableError } from '../domain/payment.errors';
import { HmacTokenFingerprinter } from '../infrastructure/hmac-token.fingerprinter';
import { ChargePayment } from './charge-payment.command';
import { RefundPayment } from './refund-payment.command';

describe('RefundPayment', () => {
  let store: InMemoryPayments;
  let provider: ScriptedProvider;
  let charge: ChargePayment;
  let refund: RefundPayment;

  beforeEach(() => {
    store = new InMemoryPayments();
    provider = new ScriptedProvider();
    charge = new ChargePayment(
      store,
      provider,
      new HmacTokenFingerprinter('unit-test-secret-0123456789'),
      30_000,
    );
    refund = new RefundPayment(store, store, provider);
  });

  const captured = async () =>
    (
      await charge.execute({
        orderId: randomUUID(),
        amount: 5_000,
        currency: 'EUR',
        token: 'tok_visa',
      })
    ).payment;

  it('when a captured payment is refunded, then the provider gives the money back and REFUNDED + PaymentRefunded are recorded', async () => {
    const payment = await captured();

    const refunded = await refund.execute(payment.id);

    expect(refunded).toMatchObject({ pending: false, payment: { status: 'REFUNDED' } });
    expect(provider.refunds).toEqual([{ paymentId: payment.id, amount: 5_000, currency: 'EUR' }]);
    expect(store.refundOf(payment.id)).toMatchObject({ amount: 5_000 });
    expect(store.events.map((e) => e.type)).toEqual(['PaymentCaptured', 'PaymentRefunded']);
  });

  it('when it is refunded twice, then the second refund changes nothing and calls no one', async () => {
    const payment = await captured();
    await refund.execute(payment.id);

    const again = await refund.execute(payment.id);

    expect(again.payment.status).toBe('REFUNDED');
    expect(provider.refunds).toHaveLength(1);
    expect(store.events.filter((e) => e.type === 'PaymentRefunded')).toHaveLength(1);
  });

  it('when the payment FAILED, then it is not refundable (409)', async () => {
    provider.nextCharge = { outcome: 'declined', declineCode: 'card_declined' };
    const orderId = randomUUID();
    await charge
      .execute({ orderId, amount: 5_000, currency: 'EUR', token: 'tok_declined' })
      .catch(() => undefined);
    const [failed] = await store.listByOrder(orderId);

    await expect(refund.execute(failed!.id)).rejects.toThrow(PaymentNotRefundableError);
    expect(provider.refunds).toHaveLength(0);
  });

  it('when the payment does not exist, then 404', async () => {
    await expect(refund.execute(randomUUID())).rejects.toThrow(PaymentNotFoundError);
  });

  it('when the provider is unreachable, then the refund is recorded pending, the payment stays CAPTURED, and a retry refunds it once', async () => {
    const payment = await captured();
    provider.refundFails = true;

    const accepted = await refund.execute(payment.id);
    await refund.execute(payment.id);

    expect(accepted).toMatchObject({ pending: true, payment: { status: 'CAPTURED' } });
    expect(store.payment(payment.id)?.status).toBe('CAPTURED');
    expect(store.pendingRefundOf(payment.id)).toMatchObject({
      lastError: 'PAYMENT.PROVIDER_UNAVAILABLE',
    });
    provider.refundFails = false;
    expect((await refund.retry(payment.id)).status).toBe('REFUNDED');
    expect(store.pendingRefundOf(payment.id)).toBeUndefined();
    expect(store.events.filter((e) => e.type === 'PaymentRefunded')).toHaveLength(1);
  });

  it('when a pending refund is retried after the payment was refunded another way, then the pending row is dropped and nothing is refunded again', async () => {
    const payment = await captured();
    provider.refundFails = true;
    await refund.execute(payment.id);
    provider.refundFails = false;
    await refund.execute(payment.id);

    const retried = await refund.retry(payment.id);

    expect(retried.status).toBe('REFUNDED');
    expect(store.pendingRefundOf(payment.id)).toBeUndefined();
    expect(provider.refunds.filter((r) => r.paymentId === payment.id)).toHaveLength(2);
    expect(store.events.filter((e) => e.type === 'PaymentRefunded')).toHaveLength(1);
  });
});
