import { randomUUID } from 'node:crypto';
import { inMemoryUseCases } from '../../test/support/use-case-fixture';
import { RetryPendingRefunds, type RefundRetryOutcome } from './retry-pending-refunds.command';

describe('RetryPendingRefunds', () => {
  let ctx: ReturnType<typeof inMemoryUseCases>;
  let retry: RetryPendingRefunds;
  let observed: RefundRetryOutcome[];

  beforeEach(() => {
    ctx = inMemoryUseCases();
    observed = [];
    retry = new RetryPendingRefunds(
      ctx.store,
      ctx.refund,
      10,
      ctx.log,
      (o) => void observed.push(o),
    );
  });

  const pendingRefund = async () => {
    const { payment } = await ctx.charge.execute({
      orderId: randomUUID(),
      amount: 3_000,
      currency: 'EUR',
      token: 'tok_visa',
    });
    ctx.provider.refundFails = true;
    await ctx.refund.execute(payment.id);
    return payment;
  };

  it('when the provider still fails, then the refund stays pending, is retried after the backoff, and each retry is counted and logged', async () => {
    const payment = await pendingRefund();

    const first = await retry.runOnce();
    const meanwhile = await retry.runOnce();
    ctx.store.now = new Date(ctx.store.now.getTime() + ctx.store.backoffMs);
    ctx.provider.refundFails = false;
    const second = await retry.runOnce();

    expect(first).toEqual({ refunded: 0, failed: 1 });
    expect(meanwhile).toEqual({ refunded: 0, failed: 0 });
    expect(second).toEqual({ refunded: 1, failed: 0 });
    expect(observed).toEqual(['failed', 'refunded']);
    expect(ctx.store.payment(payment.id)?.status).toBe('REFUNDED');
    expect(ctx.store.pendingRefundOf(payment.id)).toBeUndefined();
    expect(ctx.store.events.filter((e) => e.type === 'PaymentRefunded')).toHaveLength(1);
    expect(ctx.logs.map((l) => [l.level, l.fields?.attempt])).toEqual([
      ['warn', 1],
      ['info', 2],
    ]);
    expect(ctx.logs[0]?.fields).toMatchObject({ errorCode: 'PAYMENT.PROVIDER_UNAVAILABLE' });
    expect(JSON.stringify(ctx.logs)).not.toContain('tok_visa');
  });
});
