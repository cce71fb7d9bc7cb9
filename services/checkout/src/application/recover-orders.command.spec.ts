import { CheckoutInterruptedError, PaymentUnavailableError } from '../domain/checkout.errors';
import {
  checkoutCommand,
  checkoutFixture,
  orderIn as order,
  STALE_AFTER_MS,
} from '../../test/support/checkout-fixture';
import { checkoutOrderId } from '../domain/order-id';

const STALE = STALE_AFTER_MS + 1_000;

describe('RecoverOrdersHandler (recovery worker pass against in-memory ports)', () => {
  it('when a CHARGED order stalled (left by a version that stored the capture before confirming), then it is confirmed forward with OrderPlaced', async () => {
    const f = checkoutFixture();
    f.orders.seed(order('o-1', 'CHARGED', { paymentId: 'pay-9' }), STALE);

    const result = await f.recoverOrders.runOnce();

    expect(result).toEqual({ confirmed: 1, compensated: 0, retryLater: 0 });
    expect(f.orders.orders.get('o-1')?.status).toBe('CONFIRMED');
    expect(f.orders.events).toEqual([{ type: 'OrderPlaced', orderId: 'o-1' }]);
    expect(f.reservations.releaseCalls).toEqual([]);
    expect(f.metrics.recoveries).toEqual([{ action: 'confirmed', from: 'CHARGED' }]);
  });

  it('when a PENDING order stalled, then its reservation is released (tombstone) and it FAILs as interrupted without asking payment', async () => {
    const f = checkoutFixture();
    f.orders.seed(order('o-1', 'PENDING'), STALE);
    f.payments.lookupFailure = new Error('payment must not be needed');

    await f.recoverOrders.runOnce();

    expect(f.reservations.reservations.get('o-1')).toBe('RELEASED');
    expect(f.orders.orders.get('o-1')).toMatchObject({
      status: 'FAILED',
      failureCode: 'CHECKOUT.INTERRUPTED',
    });
    expect(f.orders.events).toEqual([
      { type: 'OrderFailed', orderId: 'o-1', reason: 'CHECKOUT.INTERRUPTED' },
    ]);
  });

  it('when a RESERVED order stalled after its capture (crash between the charge and the confirm), then the capture is refunded and the stock released', async () => {
    const f = checkoutFixture();
    f.orders.seed(order('o-1', 'RESERVED'), STALE);
    f.reservations.reservations.set('o-1', 'RESERVED');
    f.payments.record({ orderId: 'o-1', amount: 1_200 }, 'CAPTURED');

    await f.recoverOrders.runOnce();

    expect(f.payments.capturedFor('o-1')).toBe(0);
    expect(f.reservations.reservations.get('o-1')).toBe('RELEASED');
    expect(f.orders.orders.get('o-1')?.status).toBe('FAILED');
    expect(f.metrics.recoveries).toEqual([{ action: 'compensated', from: 'RESERVED' }]);
  });

  it('when a COMPENSATING order is finished, then it keeps the failure code it was compensating for', async () => {
    const f = checkoutFixture();
    f.orders.seed(
      order('o-1', 'COMPENSATING', { failureCode: 'CHECKOUT.PAYMENT_UNAVAILABLE' }),
      STALE,
    );

    await f.recoverOrders.runOnce();

    expect(f.orders.events).toEqual([
      { type: 'OrderFailed', orderId: 'o-1', reason: 'CHECKOUT.PAYMENT_UNAVAILABLE' },
    ]);
  });

  it('when compensation cannot complete (payment down), then the order stays COMPENSATING until a later pass succeeds', async () => {
    // Arrange
    const f = checkoutFixture();
    f.orders.seed(order('o-1', 'RESERVED'), STALE);
    f.payments.record({ orderId: 'o-1', amount: 1_200 }, 'CAPTURED');
    f.payments.lookupFailure = new Error('payment down');

    // Act: first pass fails to refund
    const first = await f.recoverOrders.runOnce();

    // Assert
    expect(first).toEqual({ confirmed: 0, compensated: 0, retryLater: 1 });
    expect(f.orders.orders.get('o-1')).toMatchObject({
      status: 'COMPENSATING',
      failureCode: 'CHECKOUT.INTERRUPTED',
    });
    expect(f.reservations.reservations.get('o-1')).toBe('RELEASED'); // the part that could be done
    expect(f.orders.events).toEqual([]);

    // Act: an immediate pass does nothing (the order was just touched), a later one finishes
    f.payments.lookupFailure = undefined;
    expect(await f.recoverOrders.runOnce()).toEqual({
      confirmed: 0,
      compensated: 0,
      retryLater: 0,
    });
    f.ageOrders();
    const later = await f.recoverOrders.runOnce();

    // Assert
    expect(later.compensated).toBe(1);
    expect(f.payments.capturedFor('o-1')).toBe(0);
    expect(f.orders.orders.get('o-1')?.status).toBe('FAILED');
  });

  it('when a charge is still AUTHORIZED, then the compensation waits for it instead of failing the order', async () => {
    const f = checkoutFixture();
    f.orders.seed(order('o-1', 'RESERVED'), STALE);
    f.payments.record({ orderId: 'o-1', amount: 1_200 }, 'AUTHORIZED');

    const result = await f.recoverOrders.runOnce();

    expect(result.retryLater).toBe(1);
    expect(f.orders.orders.get('o-1')?.status).toBe('COMPENSATING');
  });

  it('when orders are recent or finished, then the worker leaves them alone', async () => {
    const f = checkoutFixture();
    f.orders.seed(order('fresh', 'RESERVED'), 1_000);
    f.orders.seed(order('done', 'CONFIRMED'), STALE);
    f.orders.seed(order('failed', 'FAILED'), STALE);

    const result = await f.recoverOrders.runOnce();

    expect(result).toEqual({ confirmed: 0, compensated: 0, retryLater: 0 });
    expect(f.orders.orders.get('fresh')?.status).toBe('RESERVED');
    expect(f.reservations.releaseCalls).toEqual([]);
  });

  it('when more orders stalled than one batch holds, then a pass stops at the batch size', async () => {
    const f = checkoutFixture();
    for (let i = 0; i < 12; i++) f.orders.seed(order(`o-${i}`, 'CHARGED'), STALE);

    const first = await f.recoverOrders.runOnce();
    const second = await f.recoverOrders.runOnce();

    expect(first.confirmed).toBe(10);
    expect(second.confirmed).toBe(2);
  });

  it('when the charge timed out in the request and the capture landed late, then the worker refunds it and the retry gets the failure', async () => {
    // Arrange: the request left the order COMPENSATING (no payment visible at the time)
    const f = checkoutFixture();
    f.payments.chargeBehaviour = 'unknown';
    const command = checkoutCommand();
    await f.placeOrder.execute(command).catch(() => undefined);
    const orderId = checkoutOrderId(command.customerId, command.idempotencyKey);
    f.payments.record({ orderId, amount: 2_850 }, 'CAPTURED'); // the late capture
    f.ageOrders();

    // Act
    await f.recoverOrders.runOnce();
    const retry = await f.placeOrder.execute(command).catch((e: unknown) => e);

    // Assert
    expect(f.payments.capturedFor(orderId)).toBe(0);
    expect(f.orders.orders.get(orderId)?.status).toBe('FAILED');
    expect(retry).toBeInstanceOf(PaymentUnavailableError);
  });

  it('when a client retries after the worker cancelled its interrupted order, then it is told the checkout was interrupted', async () => {
    const f = checkoutFixture();
    const command = checkoutCommand();
    const orderId = checkoutOrderId(command.customerId, command.idempotencyKey);
    f.orders.seed(order(orderId, 'PENDING'), STALE);
    await f.recoverOrders.runOnce();

    const retry = await f.placeOrder.execute(command).catch((e: unknown) => e);

    expect(retry).toBeInstanceOf(CheckoutInterruptedError);
    expect(f.reservations.reserveCalls).toEqual([]);
  });

  it('when the repository fails, then the pass stops, counts an error and does not throw', async () => {
    const f = checkoutFixture();
    f.orders.recoverNext = () => Promise.reject(new Error('db down'));

    const result = await f.recoverOrders.runOnce();

    expect(result).toEqual({ confirmed: 0, compensated: 0, retryLater: 0 });
    expect(f.metrics.recoveries).toEqual([{ action: 'error', from: 'unknown' }]);
  });
});
