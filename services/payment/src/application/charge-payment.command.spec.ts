import { randomUUID } from 'node:crypto';
import { InMemoryPayments } from '../../test/support/in-memory-payments';
import { ScriptedProvider } from '../../test/support/scripted-provider';
import {
  ChargeOutcomeUnknownError,
  OrderAlreadyPaidError,
  PaymentDeclinedError,
  PaymentInProgressError,
  ProviderUnavailableError,
} from '../domain/payment.errors';
import { HmacTokenFingerprinter } from '../infrastructure/hmac-token.fingerprinter';
import { ChargePayment } from './charge-payment.command';

const STALE_MS = 30_000;

describe('ChargePayment', () => {
  let store: InMemoryPayments;
  let provider: ScriptedProvider;
  let fingerprinter: HmacTokenFingerprinter;
  let charge: ChargePayment;
  let orderId: string;

  beforeEach(() => {
    store = new InMemoryPayments();
    provider = new ScriptedProvider();
    fingerprinter = new HmacTokenFingerprinter('unit-test-secret-0123456789');
    charge = new ChargePayment(store, provider, fingerprinter, STALE_MS);
    orderId = randomUUID();
  });

  const request = (over: Partial<{ amount: number; token: string }> = {}) => ({
    orderId,
    amount: over.amount ?? 12_990,
    currency: 'EUR',
    token: over.token ?? 'tok_visa',
  });

  it('when the provider approves, then the payment is CAPTURED and PaymentCaptured is recorded', async () => {
    const { payment, created } = await charge.execute(request());

    expect(created).toBe(true);
    expect(payment).toMatchObject({
      orderId,
      amount: 12_990,
      currency: 'EUR',
      status: 'CAPTURED',
      declineCode: null,
    });
    expect(provider.charges).toEqual([
      { paymentId: payment.id, amount: 12_990, currency: 'EUR', token: 'tok_visa' },
    ]);
    expect(store.events.map((e) => [e.type, e.key, e.data])).toEqual([
      [
        'PaymentCaptured',
        orderId,
        { paymentId: payment.id, orderId, amount: 12_990, currency: 'EUR' },
      ],
    ]);
  });

  it('when the provider approves and the request hands over a completion, then the capture carries it, built from the payment as captured', async () => {
    const part = { cte: () => '', values: [], result: () => 'NULL', settle: () => undefined };
    const alsoOnCapture = jest.fn().mockReturnValue(part);

    const { payment } = await charge.execute(request(), { alsoOnCapture });

    expect(alsoOnCapture).toHaveBeenCalledWith(
      expect.objectContaining({ id: payment.id, orderId, status: 'CAPTURED', amount: 12_990 }),
    );
    expect(store.settleParts).toEqual([
      { paymentId: payment.id, status: 'CAPTURED', completion: part },
    ]);
  });

  it('when the provider declines, then no completion is handed to the statement (the 402 is stored as a final error)', async () => {
    provider.nextCharge = { outcome: 'declined', declineCode: 'card_declined' };
    const alsoOnCapture = jest.fn();

    await expect(charge.execute(request(), { alsoOnCapture })).rejects.toBeInstanceOf(
      PaymentDeclinedError,
    );

    expect(alsoOnCapture).not.toHaveBeenCalled();
    expect(store.settleParts.map((c) => c.completion)).toEqual([undefined]);
  });

  it('when a payment is stored, then it keeps an HMAC of the token and never the token', async () => {
    const { payment } = await charge.execute(request());

    expect(payment.tokenFingerprint).toBe(fingerprinter.fingerprint('tok_visa'));
    expect(JSON.stringify(store.payment(payment.id))).not.toContain('tok_visa');
    expect(JSON.stringify(store.events)).not.toContain('tok_visa');
  });

  it('when the provider declines, then the FAILED payment and PaymentFailed are recorded and 402 is raised', async () => {
    provider.nextCharge = { outcome: 'declined', declineCode: 'card_declined' };

    const attempt = charge.execute(request({ token: 'tok_declined' }));

    await expect(attempt).rejects.toThrow(PaymentDeclinedError);
    const [failed] = await store.listByOrder(orderId);
    expect(failed).toMatchObject({ status: 'FAILED', declineCode: 'card_declined' });
    await expect(attempt).rejects.toMatchObject({
      httpStatus: 402,
      meta: { paymentId: failed!.id, declineCode: 'card_declined' },
    });
    expect(store.events.map((e) => [e.type, (e.data as { reason: string }).reason])).toEqual([
      ['PaymentFailed', 'PAYMENT.DECLINED'],
    ]);
  });

  it('when the provider is unreachable, then nothing is captured, the attempt is FAILED and the order can be charged again', async () => {
    provider.nextCharge = 'unavailable';

    await expect(charge.execute(request())).rejects.toThrow(ProviderUnavailableError);
    provider.nextCharge = { outcome: 'approved' };
    const retried = await charge.execute(request());

    const attempts = await store.listByOrder(orderId);
    expect(attempts.map((p) => [p.status, p.declineCode])).toEqual([
      ['FAILED', 'provider_unavailable'],
      ['CAPTURED', null],
    ]);
    expect(retried.created).toBe(true);
    expect(store.events.map((e) => e.type)).toEqual(['PaymentFailed', 'PaymentCaptured']);
  });

  it('when the provider call may have charged without answering, then the payment stays AUTHORIZED, is scheduled for reconciliation and is answered 504 OUTCOME_UNKNOWN (never as not charged)', async () => {
    provider.nextCharge = 'unknown';

    await expect(charge.execute(request())).rejects.toThrow(ChargeOutcomeUnknownError);

    const [payment] = await store.listByOrder(orderId);
    expect(payment).toMatchObject({ status: 'AUTHORIZED', declineCode: null });
    expect(store.reconcileAtOf(payment!.id)).toEqual(store.now);
    expect(store.events).toEqual([]);
    provider.nextCharge = { outcome: 'approved' };
    await expect(charge.execute(request())).rejects.toThrow(PaymentInProgressError);
  });

  it('when the same charge arrives again after capture, then the captured payment is returned and the provider is not called', async () => {
    const first = await charge.execute(request());

    const again = await charge.execute(request());

    expect(again).toEqual({ payment: first.payment, created: false });
    expect(provider.charges).toHaveLength(1);
  });

  it('when a different charge arrives for an order already paid, then it is refused with 409', async () => {
    await charge.execute(request());

    await expect(charge.execute(request({ amount: 1 }))).rejects.toThrow(OrderAlreadyPaidError);
    await expect(charge.execute(request({ token: 'tok_other' }))).rejects.toMatchObject({
      code: 'PAYMENT.ORDER_ALREADY_PAID',
      meta: { paymentStatus: 'CAPTURED' },
    });
    expect(provider.charges).toHaveLength(1);
  });

  it('when another request holds a fresh claim on the order, then this one is told to retry (409 in progress)', async () => {
    store.seed(authorized(orderId, fingerprinter.fingerprint('tok_visa'), store.now));

    await expect(charge.execute(request())).rejects.toThrow(PaymentInProgressError);
    expect(provider.charges).toHaveLength(0);
  });

  it('when a claim was abandoned by a crashed request, then a retry resumes it with the same payment id', async () => {
    const abandoned = authorized(orderId, fingerprinter.fingerprint('tok_visa'), store.now);
    store.seed(abandoned);
    store.now = new Date(store.now.getTime() + STALE_MS + 1);

    const { payment, created } = await charge.execute(request());

    expect(created).toBe(true);
    expect(payment).toMatchObject({ id: abandoned.id, status: 'CAPTURED' });
    expect(provider.charges.map((c) => c.paymentId)).toEqual([abandoned.id]);
  });
});

function authorized(orderId: string, tokenFingerprint: string, at: Date) {
  return {
    id: randomUUID(),
    orderId,
    amount: 12_990,
    currency: 'EUR',
    status: 'AUTHORIZED' as const,
    tokenFingerprint,
    declineCode: null,
    createdAt: at,
    updatedAt: at,
  };
}
