import { createThrowawayDatabase, type ThrowawayDatabase } from '@rc/testing';
import { randomUUID } from 'node:crypto';
import { ChargePayment } from '../../src/application/charge-payment.command';
import { ReconcilePayments } from '../../src/application/reconcile-payments.command';
import { RefundPayment } from '../../src/application/refund-payment.command';
import { RetryPendingRefunds } from '../../src/application/retry-pending-refunds.command';
import { ChargeOutcomeUnknownError } from '../../src/domain/payment.errors';
import { migratePaymentDatabase } from '../../src/infrastructure/payment.migrations';
import { PgPaymentReader } from '../../src/infrastructure/pg-payment.reader';
import { PgPaymentUnitOfWork } from '../../src/infrastructure/pg-payment.unit-of-work';
import { PgReconciliationQueue } from '../../src/infrastructure/pg-reconciliation.queue';
import {
  outboxEvents,
  paymentRows,
  providerFault,
  providerStack,
} from '../support/payment-fixture';

const STALE_MS = 30_000;

describe('reconciliation against Postgres', () => {
  let db: ThrowawayDatabase;
  let stack: ReturnType<typeof providerStack>;
  let uow: PgPaymentUnitOfWork;
  let reader: PgPaymentReader;
  let charge: ChargePayment;
  let refund: RefundPayment;
  let queue: PgReconciliationQueue;
  const silent = () => undefined;

  beforeAll(async () => {
    db = await createThrowawayDatabase('pay_rec', 30);
    await migratePaymentDatabase(db.pool);
  });

  beforeEach(() => {
    stack = providerStack();
    uow = new PgPaymentUnitOfWork(db.pool);
    reader = new PgPaymentReader(db.pool);
    charge = new ChargePayment(uow, stack.provider, stack.fingerprinter, STALE_MS);
    refund = new RefundPayment(uow, reader, stack.provider);
    queue = new PgReconciliationQueue(db.pool, {
      staleAfterMs: STALE_MS,
      backoffBaseMs: 60_000,
      backoffMaxMs: 60_000,
    });
  });

  afterAll(async () => {
    await db?.drop();
  });

  const reconciler = (batch = 50) =>
    new ReconcilePayments(queue, uow, stack.provider, batch, silent);
  const request = (orderId: string, token = 'tok_visa') => ({
    orderId,
    amount: 3_990,
    currency: 'EUR',
    token,
  });
  /** As if the claim was made `ms` ago (its request crashed since). */
  const age = (paymentId: string, ms: number) =>
    db.pool.query(
      'UPDATE payments SET updated_at = now() - make_interval(secs => $2::float8 / 1000) WHERE id = $1',
      [paymentId, ms],
    );

  it('when the provider times out after charging, then the payment stays AUTHORIZED (not "not charged") and is reconciled CAPTURED with PaymentCaptured; checkout\'s compensation then refunds it', async () => {
    const orderId = randomUUID();

    const error = await charge
      .execute(request(orderId, 'tok_timeout_after_charge'))
      .catch((e) => e);
    const unknown = await reader.listByOrder(orderId);
    const counts = await reconciler().runOnce();
    const again = await reconciler().runOnce();
    const [payment] = await reader.listByOrder(orderId);
    const refunded = await refund.execute(payment!.id);

    expect(error).toBeInstanceOf(ChargeOutcomeUnknownError);
    expect(unknown.map((p) => p.status)).toEqual(['AUTHORIZED']);
    expect(counts).toMatchObject({ captured: 1 });
    expect(again).toMatchObject({ captured: 0, failed: 0, unresolved: 0 });
    expect(payment!.status).toBe('CAPTURED');
    expect(refunded.payment.status).toBe('REFUNDED');
    expect(stack.simulator.capturedCount).toBe(1);
    expect(stack.simulator.refundedCount).toBe(1);
    expect((await outboxEvents(db.pool, orderId)).map((e) => e.type)).toEqual([
      'PaymentCaptured',
      'PaymentRefunded',
    ]);
  }, 15_000);

  it('when a request crashed between claim and settle, then the stale AUTHORIZED payment is reconciled from the provider: CAPTURED if it charged, FAILED not_charged if not', async () => {
    const charged = randomUUID();
    const never = randomUUID();
    const claim = async (orderId: string) =>
      (await uow.single((tx) =>
        tx.claim({
          id: randomUUID(),
          orderId,
          amount: 3_990,
          currency: 'EUR',
          tokenFingerprint: 'a'.repeat(64),
        }),
      ))!;
    const a = await claim(charged);
    const b = await claim(never);
    // The crashed request had reached the provider for `a` only.
    await stack.simulator.charge({
      paymentId: a.id,
      amount: 3_990,
      currency: 'EUR',
      token: 'tok_visa',
    });

    const fresh = await reconciler().runOnce();
    await age(a.id, STALE_MS + 1_000);
    await age(b.id, STALE_MS + 1_000);
    const stale = await reconciler().runOnce();

    expect(fresh).toMatchObject({ captured: 0, failed: 0 });
    expect(stale).toMatchObject({ captured: 1, failed: 1 });
    expect(await paymentRows(db.pool, charged)).toEqual([
      { status: 'CAPTURED', decline_code: null },
    ]);
    expect(await paymentRows(db.pool, never)).toEqual([
      { status: 'FAILED', decline_code: 'not_charged' },
    ]);
    expect((await outboxEvents(db.pool, never)).map((e) => [e.type, e.data.reason])).toEqual([
      ['PaymentFailed', 'PAYMENT.NOT_CHARGED'],
    ]);
  });

  it('when two workers reconcile the same unknown payments at once, then each payment is looked up and settled once', async () => {
    const orders = Array.from({ length: 12 }, () => randomUUID());
    await Promise.all(
      orders.map((o) =>
        charge.execute(request(o, 'tok_timeout_after_charge')).catch(() => undefined),
      ),
    );
    const lookup = jest.spyOn(stack.simulator, 'lookup');
    // The timeouts opened the charges' breaker; the workers run later, past its open time.
    const later = (batch: number) =>
      new ReconcilePayments(queue, uow, providerStack(stack.simulator).provider, batch, silent);

    const [one, two] = await Promise.all([later(5).runOnce(), later(20).runOnce()]);

    expect(one.captured + two.captured).toBe(12);
    expect(lookup).toHaveBeenCalledTimes(12);
    for (const orderId of orders) {
      expect((await outboxEvents(db.pool, orderId)).map((e) => e.type)).toEqual([
        'PaymentCaptured',
      ]);
    }
  }, 20_000);

  it('when a refund fails at the provider, then it is recorded pending, retried with backoff while the outage lasts, and REFUNDED once the provider recovers', async () => {
    const orderId = randomUUID();
    const { payment } = await charge.execute(request(orderId));
    const retry = new RetryPendingRefunds(queue, refund, 10, silent);
    stack.faults.setRules(providerFault({ kind: 'error', status: 503 }));

    const accepted = await refund.execute(payment.id);
    const during = await retry.runOnce();
    const backingOff = await retry.runOnce();
    const pending = await db.pool.query(
      'SELECT attempts, last_error FROM pending_refunds WHERE payment_id = $1',
      [payment.id],
    );
    stack.faults.setRules([]);
    await db.pool.query(
      'UPDATE pending_refunds SET next_attempt_at = now() WHERE payment_id = $1',
      [payment.id],
    );
    const after = await retry.runOnce();

    expect(accepted).toMatchObject({ pending: true, payment: { status: 'CAPTURED' } });
    expect(during).toEqual({ refunded: 0, failed: 1 });
    expect(backingOff).toEqual({ refunded: 0, failed: 0 });
    expect(pending.rows).toEqual([{ attempts: 1, last_error: 'PAYMENT.PROVIDER_UNAVAILABLE' }]);
    expect(after).toEqual({ refunded: 1, failed: 0 });
    expect(await paymentRows(db.pool, orderId)).toEqual([
      { status: 'REFUNDED', decline_code: null },
    ]);
    expect(
      (await db.pool.query('SELECT 1 FROM pending_refunds WHERE payment_id = $1', [payment.id]))
        .rows,
    ).toEqual([]);
    expect(stack.simulator.refundedCount).toBe(1);
    expect((await outboxEvents(db.pool, orderId)).map((e) => e.type)).toEqual([
      'PaymentCaptured',
      'PaymentRefunded',
    ]);
  });

  it('when the worker holds a payment, then a retried charge cannot take it over (no concurrent provider call)', async () => {
    const orderId = randomUUID();
    await charge.execute(request(orderId, 'tok_timeout_after_charge')).catch(() => undefined);
    stack.faults.setRules(providerFault({ kind: 'error', status: 503 }));
    const [leased] = await queue.leaseUnsettled(1);
    await db.pool.query(
      `UPDATE payments SET updated_at = now() - interval '1 hour' WHERE id = $1`,
      [leased!.payment.id],
    );

    const retried = await charge
      .execute(request(orderId, 'tok_timeout_after_charge'))
      .catch((e) => e);

    expect(retried).toMatchObject({ code: 'PAYMENT.IN_PROGRESS' });
    expect(await paymentRows(db.pool, orderId)).toEqual([
      { status: 'AUTHORIZED', decline_code: null },
    ]);
  });
});
