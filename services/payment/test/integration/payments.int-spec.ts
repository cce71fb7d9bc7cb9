import { randomUUID } from 'node:crypto';
import { ChargePayment } from '../../src/application/charge-payment.command';
import { RefundPayment } from '../../src/application/refund-payment.command';
import {
  PaymentDeclinedError,
  PaymentInProgressError,
  ProviderUnavailableError,
} from '../../src/domain/payment.errors';
import { migratePaymentDatabase } from '../../src/infrastructure/payment.migrations';
import { PgPaymentReader } from '../../src/infrastructure/pg-payment.reader';
import { PgPaymentUnitOfWork } from '../../src/infrastructure/pg-payment.unit-of-work';
import {
  databaseContains,
  outboxEvents,
  paymentRows,
  providerFault,
  providerStack,
} from '../support/payment-fixture';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@rc/testing';

describe('payments against Postgres', () => {
  let db: ThrowawayDatabase;
  let stack: ReturnType<typeof providerStack>;
  let charge: ChargePayment;
  let refund: RefundPayment;

  beforeAll(async () => {
    db = await createThrowawayDatabase('pay_uc', 30);
    await migratePaymentDatabase(db.pool);
  });

  beforeEach(() => {
    stack = providerStack();
    const uow = new PgPaymentUnitOfWork(db.pool);
    charge = new ChargePayment(uow, stack.provider, stack.fingerprinter, 30_000);
    refund = new RefundPayment(uow, new PgPaymentReader(db.pool), stack.provider);
  });

  afterAll(async () => {
    await db?.drop();
  });

  const request = (orderId: string, over: Partial<{ amount: number; token: string }> = {}) => ({
    orderId,
    amount: over.amount ?? 4_990,
    currency: 'EUR',
    token: over.token ?? 'tok_visa',
  });

  it('when 20 identical charges of one order race, then the provider captures once and one payment is live', async () => {
    const orderId = randomUUID();

    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => charge.execute(request(orderId))),
    );

    const answered = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(answered.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(answered.map((r) => r.payment.id)).size).toBe(1);
    expect(refused.every((e) => e instanceof PaymentInProgressError)).toBe(true);
    expect(stack.simulator.capturedCount).toBe(1);
    expect(await paymentRows(db.pool, orderId)).toEqual([
      { status: 'CAPTURED', decline_code: null },
    ]);
    expect((await outboxEvents(db.pool, orderId)).map((e) => e.type)).toEqual(['PaymentCaptured']);
  });

  it('when 20 different charges of one order race, then only one reaches the provider', async () => {
    const orderId = randomUUID();

    await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => charge.execute(request(orderId, { amount: 100 + i }))),
    );

    expect(stack.simulator.capturedCount).toBe(1);
    expect(await paymentRows(db.pool, orderId)).toEqual([
      { status: 'CAPTURED', decline_code: null },
    ]);
  });

  it('when code inserts a second live payment for an order directly, then the partial unique index refuses it', async () => {
    const orderId = randomUUID();
    await charge.execute(request(orderId));

    await expect(
      db.pool.query(
        `INSERT INTO payments (id, order_id, amount_minor, currency, status, token_fingerprint)
         VALUES ($1, $2, 1, 'EUR', 'AUTHORIZED', repeat('a', 64))`,
        [randomUUID(), orderId],
      ),
    ).rejects.toMatchObject({ code: '23505', constraint: 'payments_one_live_per_order' });
  });

  it('when a card is declined, then the FAILED payment and PaymentFailed commit together and a new attempt is allowed', async () => {
    const orderId = randomUUID();

    await expect(charge.execute(request(orderId, { token: 'tok_declined' }))).rejects.toThrow(
      PaymentDeclinedError,
    );
    const retried = await charge.execute(request(orderId));

    expect(retried.created).toBe(true);
    expect(await paymentRows(db.pool, orderId)).toEqual([
      { status: 'FAILED', decline_code: 'card_declined' },
      { status: 'CAPTURED', decline_code: null },
    ]);
    const events = await outboxEvents(db.pool, orderId);
    expect(events.map((e) => [e.type, e.data.reason])).toEqual([
      ['PaymentFailed', 'PAYMENT.DECLINED'],
      ['PaymentCaptured', undefined],
    ]);
  });

  it('when the provider has an outage, then nothing is captured, the attempt is recorded as unavailable and a later charge succeeds', async () => {
    const orderId = randomUUID();
    stack.faults.setRules(providerFault({ kind: 'error', status: 503 }));

    await expect(charge.execute(request(orderId))).rejects.toThrow(ProviderUnavailableError);
    stack.faults.clear();
    await charge.execute(request(orderId));

    expect(stack.simulator.capturedCount).toBe(1);
    expect(await paymentRows(db.pool, orderId)).toEqual([
      { status: 'FAILED', decline_code: 'provider_unavailable' },
      { status: 'CAPTURED', decline_code: null },
    ]);
  });

  it('when a decline rate is injected, then declines are recorded with do_not_honor', async () => {
    const orderId = randomUUID();
    stack.faults.setRules(providerFault({ kind: 'error', status: 402 }));

    await expect(charge.execute(request(orderId))).rejects.toMatchObject({
      code: 'PAYMENT.DECLINED',
    });

    expect(await paymentRows(db.pool, orderId)).toEqual([
      { status: 'FAILED', decline_code: 'do_not_honor' },
    ]);
  });

  it('when a claim was left AUTHORIZED by a crashed request, then the retried charge resumes it', async () => {
    const orderId = randomUUID();
    const abandoned = randomUUID();
    await db.pool.query(
      `INSERT INTO payments (id, order_id, amount_minor, currency, status, token_fingerprint, created_at, updated_at)
       VALUES ($1, $2, 4990, 'EUR', 'AUTHORIZED', $3, now() - interval '1 minute', now() - interval '1 minute')`,
      [abandoned, orderId, stack.fingerprinter.fingerprint('tok_visa')],
    );

    const { payment } = await charge.execute(request(orderId));

    expect(payment).toMatchObject({ id: abandoned, status: 'CAPTURED' });
    expect(stack.simulator.capturedCount).toBe(1);
  });

  it('when one payment is refunded 10 times at once, then money goes back once and one refund is recorded', async () => {
    const orderId = randomUUID();
    const { payment } = await charge.execute(request(orderId));

    const results = await Promise.all(Array.from({ length: 10 }, () => refund.execute(payment.id)));

    expect(results.every((r) => r.payment.status === 'REFUNDED')).toBe(true);
    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM refunds WHERE payment_id = $1',
      [payment.id],
    );
    expect(rows[0]!.n).toBe(1);
    expect((await outboxEvents(db.pool, orderId)).map((e) => e.type)).toEqual([
      'PaymentCaptured',
      'PaymentRefunded',
    ]);
  });

  it('when a FAILED payment is refunded, then it is refused and nothing is recorded', async () => {
    const orderId = randomUUID();
    await charge.execute(request(orderId, { token: 'tok_whatever' })).catch(() => undefined);
    const [failed] = await new PgPaymentReader(db.pool).listByOrder(orderId);

    await expect(refund.execute(failed!.id)).rejects.toMatchObject({
      code: 'PAYMENT.NOT_REFUNDABLE',
      httpStatus: 409,
    });
    expect(failed!.declineCode).toBe('invalid_token');
  });

  it('when payments were made, then no card token is stored anywhere', async () => {
    await charge.execute(request(randomUUID(), { token: 'tok_visa' }));

    expect(await databaseContains(db.pool, 'tok_visa')).toBe(false);
    expect(await databaseContains(db.pool, 'tok_declined')).toBe(false);
  });
});
