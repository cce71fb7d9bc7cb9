import { randomUUID } from 'node:crypto';
import { inMemoryUseCases } from '../../test/support/use-case-fixture';
import { ReconcilePayments, type ReconcileOutcome } from './reconcile-payments.command';

describe('ReconcilePayments', () => {
  let ctx: ReturnType<typeof inMemoryUseCases>;
  let reconcile: ReconcilePayments;
  let observed: ReconcileOutcome[];

  beforeEach(() => {
    ctx = inMemoryUseCases();
    observed = [];
    reconcile = new ReconcilePayments(
      ctx.store,
      ctx.store,
      ctx.provider,
      10,
      ctx.log,
      (o) => void observed.push(o),
    );
  });

  /** A charge whose provider call timed out after sending: AUTHORIZED, outcome unknown. */
  const unknownOutcome = async (token = 'tok_secret_card') => {
    const orderId = randomUUID();
    ctx.provider.nextCharge = 'unknown';
    await ctx.charge
      .execute({ orderId, amount: 2_500, currency: 'EUR', token })
      .catch(() => undefined);
    return (await ctx.store.listByOrder(orderId))[0]!;
  };

  const later = (ms: number) => {
    ctx.store.now = new Date(ctx.store.now.getTime() + ms);
  };

  it('when the provider captured a payment of unknown outcome, then it is settled CAPTURED with PaymentCaptured', async () => {
    const payment = await unknownOutcome();
    ctx.provider.nextLookup = { status: 'captured', amount: 2_500, currency: 'EUR' };

    const counts = await reconcile.runOnce();

    expect(counts).toMatchObject({ captured: 1, failed: 0, unresolved: 0 });
    expect(ctx.store.payment(payment.id)?.status).toBe('CAPTURED');
    expect(ctx.store.events.map((e) => [e.type, e.data])).toEqual([
      [
        'PaymentCaptured',
        { paymentId: payment.id, orderId: payment.orderId, amount: 2_500, currency: 'EUR' },
      ],
    ]);
    expect(observed).toEqual(['captured']);
  });

  it('when the provider has no charge for it, then it is settled FAILED not_charged with PaymentFailed', async () => {
    const payment = await unknownOutcome();
    ctx.provider.nextLookup = { status: 'not_found' };

    await reconcile.runOnce();

    expect(ctx.store.payment(payment.id)).toMatchObject({
      status: 'FAILED',
      declineCode: 'not_charged',
    });
    expect(ctx.store.events[0]).toMatchObject({
      type: 'PaymentFailed',
      data: { reason: 'PAYMENT.NOT_CHARGED' },
    });
  });

  it('when the provider declined it, then it is settled FAILED with the decline code', async () => {
    const payment = await unknownOutcome();
    ctx.provider.nextLookup = { status: 'declined', declineCode: 'card_declined' };

    await reconcile.runOnce();

    expect(ctx.store.payment(payment.id)).toMatchObject({
      status: 'FAILED',
      declineCode: 'card_declined',
    });
  });

  it('when the lookup fails, then the payment stays AUTHORIZED and is looked at again only after the backoff', async () => {
    const payment = await unknownOutcome();
    ctx.provider.nextLookup = 'unavailable';

    const first = await reconcile.runOnce();
    const meanwhile = await reconcile.runOnce();
    later(ctx.store.backoffMs);
    ctx.provider.nextLookup = { status: 'captured', amount: 2_500, currency: 'EUR' };
    const second = await reconcile.runOnce();

    expect(first.unresolved).toBe(1);
    expect(meanwhile).toMatchObject({ captured: 0, unresolved: 0 });
    expect(second.captured).toBe(1);
    expect(ctx.provider.lookups).toEqual([payment.id, payment.id]);
    expect(ctx.store.payment(payment.id)?.status).toBe('CAPTURED');
  });

  it('when a claim is fresh, then it is left alone; once stale (its request died), it is reconciled', async () => {
    const orderId = randomUUID();
    await ctx.store.run((tx) =>
      tx.claim({
        id: randomUUID(),
        orderId,
        amount: 900,
        currency: 'EUR',
        tokenFingerprint: 'f'.repeat(64),
      }),
    );

    const fresh = await reconcile.runOnce();
    later(ctx.store.staleAfterMs + 1);
    ctx.provider.nextLookup = { status: 'not_found' };
    const stale = await reconcile.runOnce();

    expect(fresh).toMatchObject({ captured: 0, failed: 0, unresolved: 0 });
    expect(stale.failed).toBe(1);
    expect((await ctx.store.listByOrder(orderId))[0]?.status).toBe('FAILED');
  });

  it('when reconciliation ctx.logs, then no card token appears', async () => {
    await unknownOutcome('tok_very_secret_4242');
    ctx.provider.nextLookup = 'unavailable';
    await reconcile.runOnce();
    ctx.provider.nextLookup = { status: 'captured', amount: 2_500, currency: 'EUR' };
    later(ctx.store.backoffMs);
    await reconcile.runOnce();

    expect(ctx.logs.length).toBeGreaterThan(0);
    expect(JSON.stringify(ctx.logs)).not.toContain('tok_very_secret_4242');
  });
});
