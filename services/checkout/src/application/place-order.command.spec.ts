import {
  CartUnavailableError,
  CheckoutInProgressError,
  CheckoutInterruptedError,
  EmptyCartError,
  InventoryUnavailableError,
  MixedCurrencyError,
  OutOfStockError,
  PaymentDeclinedError,
  PaymentUnavailableError,
  TooManyLinesError,
  UnknownSkuError,
} from '../domain/checkout.errors';
import { checkoutOrderId } from '../domain/order-id';
import { currentDeadline, runWithDeadline } from '@rc/resilience';
import { checkoutCommand, checkoutFixture } from '../../test/support/checkout-fixture';

describe('PlaceOrderHandler (saga against in-memory ports)', () => {
  describe('happy path', () => {
    it('when the cart answers, then the order is priced from the catalogue, charged once and CONFIRMED with OrderPlaced', async () => {
      // Arrange
      const f = checkoutFixture();
      f.cart.carts.set('cart-1', [
        { sku: 'MUG', quantity: 2 },
        { sku: 'TEA', quantity: 3 },
      ]);
      const command = checkoutCommand({ cartId: 'cart-1', items: undefined });

      // Act
      const placed = await f.placeOrder.execute(command);

      // Assert
      const orderId = checkoutOrderId('cust-1', command.idempotencyKey);
      expect(placed.order).toMatchObject({ id: orderId, status: 'CONFIRMED', total: 3_750 });
      expect(placed.order.items).toEqual([
        { sku: 'MUG', quantity: 2, unitPrice: 1_200 },
        { sku: 'TEA', quantity: 3, unitPrice: 450 },
      ]);
      expect(f.payments.chargeCalls).toEqual([
        { orderId, amount: 3_750, currency: 'EUR', token: 'tok_visa' },
      ]);
      // The capture is stored with the confirm: no CHARGED write between them.
      expect(f.orders.history.get(orderId)).toEqual(['PENDING', 'RESERVED', 'CONFIRMED']);
      expect(f.orders.orders.get(orderId)?.paymentId).toBe('pay-1');
      expect(f.orders.events).toEqual([{ type: 'OrderPlaced', orderId }]);
      expect(placed.recommendations).toEqual(['REC-1', 'REC-2']);
      expect(placed.degraded).toEqual([]);
      expect(f.metrics.sagas).toEqual([{ result: 'confirmed', step: 'confirm' }]);
    });

    it('when recommendations come from the fallback, then the checkout still succeeds and says so', async () => {
      const f = checkoutFixture();
      f.recommendations.answer = { skus: ['BEST-1'], degraded: true };

      const placed = await f.placeOrder.execute(checkoutCommand());

      expect(placed.order.status).toBe('CONFIRMED');
      expect(placed.recommendations).toEqual(['BEST-1']);
      expect(placed.degraded).toEqual(['recommendations']);
    });
  });

  describe('the Idempotency-Key claimed by the order’s INSERT', () => {
    const claim = { cte: () => 'idem AS (SELECT 1)', values: [], settle: () => undefined };

    it('when the request hands over a claim, then the order’s INSERT carries it', async () => {
      // Arrange
      const f = checkoutFixture();

      // Act
      const placed = await f.placeOrder.execute(checkoutCommand({ claim: () => claim }));

      // Assert
      expect(f.orders.createParts.get(placed.order.id)).toBe(claim);
    });

    it('when the INSERT meets the request’s key (undone), then the error goes to the interceptor and no saga outcome is counted', async () => {
      // Arrange
      const f = checkoutFixture();
      const conflict = Object.assign(new Error('duplicate key value'), {
        code: '23505',
        table: 'idempotency_keys',
      });
      f.orders.createError = conflict;

      // Act
      const attempt = f.placeOrder.execute(checkoutCommand({ claim: () => claim }));

      // Assert
      await expect(attempt).rejects.toBe(conflict);
      expect(f.metrics.sagas).toEqual([]);
      expect(f.payments.chargeCalls).toEqual([]);
    });
  });

  describe('the Idempotency-Key completed by the confirm', () => {
    const part = {
      cte: () => 'idem AS (SELECT 1)',
      values: [],
      result: () => 'NULL',
      settle: () => undefined,
    };

    it('when the recommendations are in before the confirm, then the confirm carries the completion of the whole answer', async () => {
      // Arrange
      const f = checkoutFixture();
      const completion = jest.fn().mockReturnValue(part);

      // Act
      const placed = await f.placeOrder.execute(checkoutCommand({ completion }));

      // Assert
      expect(f.orders.confirmParts.get(placed.order.id)).toBe(part);
      expect(completion).toHaveBeenCalledTimes(1);
      expect(completion.mock.calls[0][0]).toEqual(placed);
      expect(placed.recommendations).toEqual(['REC-1', 'REC-2']);
      expect(placed.order.status).toBe('CONFIRMED');
    });

    it('when the recommendations are not in yet, then the confirm does not wait for them and carries none, and the answer still has them', async () => {
      // Arrange
      const f = checkoutFixture();
      let answer!: () => void;
      f.recommendations.gate = new Promise((resolve) => (answer = resolve));
      const completion = jest.fn().mockReturnValue(part);
      const confirmed = jest.spyOn(f.orders, 'confirm');

      // Act
      const running = f.placeOrder.execute(checkoutCommand({ completion }));
      while (confirmed.mock.calls.length === 0) await new Promise((r) => setImmediate(r));
      answer();
      const placed = await running;

      // Assert
      expect(f.orders.confirmParts.get(placed.order.id)).toBeUndefined();
      expect(completion).not.toHaveBeenCalled();
      expect(placed.recommendations).toEqual(['REC-1', 'REC-2']);
    });
  });

  describe('step 1: resolving the lines', () => {
    it('when the cart fails and the body has items, then the body is used and the order records degraded cart', async () => {
      const f = checkoutFixture();
      f.cart.failure = new Error('cart down');

      const placed = await f.placeOrder.execute(checkoutCommand({ cartId: 'cart-1' }));

      expect(placed.order.status).toBe('CONFIRMED');
      expect(placed.order.items.map((l) => l.sku)).toEqual(['MUG', 'TEA']);
      expect(placed.degraded).toEqual(['cart']);
      expect(f.orders.orders.get(placed.order.id)?.degraded).toEqual(['cart']);
    });

    it('when the cart fails and the body has no items, then CART_UNAVAILABLE and nothing is stored', async () => {
      const f = checkoutFixture();
      f.cart.failure = new Error('cart down');

      const run = f.placeOrder.execute(checkoutCommand({ cartId: 'cart-1', items: undefined }));

      await expect(run).rejects.toBeInstanceOf(CartUnavailableError);
      expect(f.orders.orders.size).toBe(0);
      expect(f.metrics.sagas).toEqual([{ result: 'rejected', step: 'resolve' }]);
    });

    it('when the cart is empty and the body has items, then the body is used without a degradation', async () => {
      const f = checkoutFixture();

      const placed = await f.placeOrder.execute(checkoutCommand({ cartId: 'empty-cart' }));

      expect(placed.order.items).toHaveLength(2);
      expect(placed.degraded).toEqual([]);
    });

    it('when the cart is empty and the body has no items, then EMPTY_CART', async () => {
      const f = checkoutFixture();

      const run = f.placeOrder.execute(checkoutCommand({ cartId: 'empty', items: undefined }));

      await expect(run).rejects.toBeInstanceOf(EmptyCartError);
      expect(f.orders.orders.size).toBe(0);
    });

    it('when the cart holds more lines than an order may, then TOO_MANY_LINES', async () => {
      const f = checkoutFixture();
      f.cart.carts.set(
        'big',
        Array.from({ length: 51 }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 })),
      );

      const run = f.placeOrder.execute(checkoutCommand({ cartId: 'big', items: undefined }));

      await expect(run).rejects.toBeInstanceOf(TooManyLinesError);
    });
  });

  describe('step 2: pricing', () => {
    it('when a SKU is unknown, then UNKNOWN_SKU names it and nothing is stored or reserved', async () => {
      const f = checkoutFixture();
      const items = [
        { sku: 'MUG', quantity: 1 },
        { sku: 'GHOST', quantity: 1 },
      ];

      const error = await f.placeOrder.execute(checkoutCommand({ items })).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(UnknownSkuError);
      expect((error as UnknownSkuError).meta).toEqual({ skus: ['GHOST'] });
      expect(f.orders.orders.size).toBe(0);
      expect(f.reservations.reserveCalls).toEqual([]);
    });

    it('when the catalogue cannot answer, then INVENTORY_UNAVAILABLE (not final) and nothing is stored', async () => {
      const f = checkoutFixture();
      f.catalog.failure = new Error('inventory down');

      const error = await f.placeOrder.execute(checkoutCommand()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(InventoryUnavailableError);
      expect((error as InventoryUnavailableError).final).toBe(false);
      expect(f.orders.orders.size).toBe(0);
      expect(f.metrics.sagas).toEqual([{ result: 'rejected', step: 'price' }]);
    });

    it('when products are priced in different currencies, then MIXED_CURRENCY', async () => {
      const f = checkoutFixture();
      f.catalog.add('TEA', 450, 'USD');

      await expect(f.placeOrder.execute(checkoutCommand())).rejects.toBeInstanceOf(
        MixedCurrencyError,
      );
    });
  });

  describe('step 4: reserving', () => {
    it('when stock is insufficient, then the order FAILs with OrderFailed and nothing is charged', async () => {
      const f = checkoutFixture();
      f.reservations.reserveResult = { kind: 'insufficient_stock', skus: ['MUG'] };

      const error = await f.placeOrder.execute(checkoutCommand()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(OutOfStockError);
      const orderId = (error as OutOfStockError).meta.orderId as string;
      expect((error as OutOfStockError).meta.skus).toEqual(['MUG']);
      expect(f.orders.orders.get(orderId)).toMatchObject({
        status: 'FAILED',
        failureCode: 'CHECKOUT.OUT_OF_STOCK',
      });
      expect(f.orders.events).toEqual([
        { type: 'OrderFailed', orderId, reason: 'CHECKOUT.OUT_OF_STOCK' },
      ]);
      expect(f.payments.chargeCalls).toEqual([]);
    });

    it('when the reserve may have landed but no answer came, then the reservation is released and the order FAILs', async () => {
      const f = checkoutFixture();
      f.reservations.reserveResult = {
        kind: 'unavailable',
        maybeApplied: true,
        cause: new Error('timeout'),
      };

      const error = await f.placeOrder.execute(checkoutCommand()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(InventoryUnavailableError);
      const orderId = (error as InventoryUnavailableError).meta.orderId as string;
      expect((error as InventoryUnavailableError).final).toBe(true);
      expect(f.reservations.reservations.get(orderId)).toBe('RELEASED');
      expect(f.orders.history.get(orderId)).toEqual(['PENDING', 'COMPENSATING', 'FAILED']);
      expect(f.payments.chargeCalls).toEqual([]);
    });

    it('when the reserve was never sent (breaker open), then the order FAILs at once without a release call', async () => {
      const f = checkoutFixture();
      f.reservations.reserveResult = {
        kind: 'unavailable',
        maybeApplied: false,
        cause: new Error('circuit open'),
      };

      const error = await f.placeOrder.execute(checkoutCommand()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(InventoryUnavailableError);
      expect(f.reservations.releaseCalls).toEqual([]);
      expect(f.orders.events.map((e) => e.reason)).toEqual(['CHECKOUT.INVENTORY_UNAVAILABLE']);
    });

    it('when the release of an uncertain reservation fails, then the order is left COMPENSATING for the worker', async () => {
      const f = checkoutFixture();
      f.reservations.reserveResult = { kind: 'unavailable', maybeApplied: true, cause: 'x' };
      f.reservations.releaseFailure = new Error('inventory down');

      const error = await f.placeOrder.execute(checkoutCommand()).catch((e: unknown) => e);

      const orderId = (error as InventoryUnavailableError).meta.orderId as string;
      expect(f.orders.orders.get(orderId)?.status).toBe('COMPENSATING');
      expect(f.orders.events).toEqual([]);
      expect(f.metrics.sagas).toEqual([{ result: 'compensating', step: 'reserve' }]);
    });
  });

  describe('step 5: charging', () => {
    it('when the payment is declined, then the stock is released, the order FAILs and 402 carries the decline code', async () => {
      const f = checkoutFixture();
      f.payments.chargeBehaviour = 'decline';

      const error = await f.placeOrder.execute(checkoutCommand()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PaymentDeclinedError);
      const orderId = (error as PaymentDeclinedError).meta.orderId as string;
      expect((error as PaymentDeclinedError).meta.declineCode).toBe('card_declined');
      expect(f.reservations.reservations.get(orderId)).toBe('RELEASED');
      expect(f.orders.history.get(orderId)).toEqual([
        'PENDING',
        'RESERVED',
        'COMPENSATING',
        'FAILED',
      ]);
      expect(f.orders.events).toEqual([
        { type: 'OrderFailed', orderId, reason: 'CHECKOUT.PAYMENT_DECLINED' },
      ]);
      expect(f.metrics.sagas).toEqual([{ result: 'failed', step: 'charge' }]);
    });

    it('when payment says nothing was charged, then the stock is released and the order FAILs without a refund lookup', async () => {
      const f = checkoutFixture();
      f.payments.chargeBehaviour = 'not_charged';
      f.payments.lookupFailure = new Error('must not be called');

      const error = await f.placeOrder.execute(checkoutCommand()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PaymentUnavailableError);
      const orderId = (error as PaymentUnavailableError).meta.orderId as string;
      expect(f.orders.orders.get(orderId)?.status).toBe('FAILED');
      expect(f.reservations.reservations.get(orderId)).toBe('RELEASED');
    });

    it('when the charge timed out but the capture happened, then it is refunded and the customer keeps no charge', async () => {
      const f = checkoutFixture();
      f.payments.chargeBehaviour = 'unknown';
      f.payments.captureAnyway = true;

      const error = await f.placeOrder.execute(checkoutCommand()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PaymentUnavailableError);
      const orderId = (error as PaymentUnavailableError).meta.orderId as string;
      expect(f.payments.capturedFor(orderId)).toBe(0);
      expect(f.payments.refundCalls).toEqual(['pay-1']);
      expect(f.orders.orders.get(orderId)).toMatchObject({
        status: 'FAILED',
        failureCode: 'CHECKOUT.PAYMENT_UNAVAILABLE',
      });
    });

    it('when the charge timed out and no payment is visible yet, then the stock is released but the order waits COMPENSATING (a capture may still land)', async () => {
      const f = checkoutFixture();
      f.payments.chargeBehaviour = 'unknown';

      const error = await f.placeOrder.execute(checkoutCommand()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PaymentUnavailableError);
      const orderId = (error as PaymentUnavailableError).meta.orderId as string;
      expect(f.reservations.reservations.get(orderId)).toBe('RELEASED');
      expect(f.orders.orders.get(orderId)?.status).toBe('COMPENSATING');
      expect(f.metrics.sagas).toEqual([{ result: 'compensating', step: 'charge' }]);
    });

    it('when the worker moved the order while the charge ran, then the late capture is refunded and the answer comes from the order', async () => {
      const f = checkoutFixture();
      f.orders.beforeTransition = (orderId, to) => {
        // The recovery worker compensated the order just before the request confirms it.
        if (to === 'CONFIRMED') {
          const order = f.orders.orders.get(orderId)!;
          f.orders.orders.set(orderId, {
            ...order,
            status: 'FAILED',
            failureCode: 'CHECKOUT.INTERRUPTED',
          });
        }
      };

      const error = await f.placeOrder.execute(checkoutCommand()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(CheckoutInterruptedError);
      const orderId = (error as CheckoutInterruptedError).meta.orderId as string;
      expect(f.payments.capturedFor(orderId)).toBe(0);
      expect(f.logger.lines.map((l) => l.message)).toContain(
        'refunded a capture that arrived after the order was taken over',
      );
    });
  });

  describe('retries (same customer, same Idempotency-Key)', () => {
    it('when the first attempt was confirmed, then the retry returns the same order and charges nothing more', async () => {
      const f = checkoutFixture();
      const command = checkoutCommand();
      const first = await f.placeOrder.execute(command);

      const second = await f.placeOrder.execute(command);

      expect(second.order.id).toBe(first.order.id);
      expect(second.order.status).toBe('CONFIRMED');
      expect(f.payments.chargeCalls).toHaveLength(1);
      expect(f.reservations.reserveCalls).toHaveLength(1);
      expect(f.orders.events).toHaveLength(1);
      expect(f.metrics.sagas.at(-1)).toEqual({ result: 'confirmed', step: 'existing' });
    });

    it('when the first attempt was confirmed with the cart degraded, then the retry reports the same degradation', async () => {
      const f = checkoutFixture();
      f.cart.failure = new Error('down');
      const command = checkoutCommand({ cartId: 'c' });
      await f.placeOrder.execute(command);
      f.cart.failure = undefined;

      const second = await f.placeOrder.execute(command);

      // the cart answers now, but the order as first stored decides the answer
      expect(second.degraded).toEqual(['cart']);
      expect(f.payments.chargeCalls).toHaveLength(1);
      expect(f.metrics.sagas.at(-1)).toEqual({ result: 'confirmed', step: 'existing' });
    });

    it('when the cart was emptied after a confirmed first attempt, then the retry still returns that order, not 422', async () => {
      const f = checkoutFixture();
      const command = checkoutCommand({ cartId: 'c', items: undefined });
      f.cart.carts.set('c', [{ sku: 'MUG', quantity: 1 }]);
      const first = await f.placeOrder.execute(command);
      f.cart.carts.set('c', []);

      const second = await f.placeOrder.execute(command);

      expect(second.order.id).toBe(first.order.id);
      expect(second.order.status).toBe('CONFIRMED');
      expect(f.payments.chargeCalls).toHaveLength(1);
      expect(f.metrics.sagas.at(-1)).toEqual({ result: 'confirmed', step: 'existing' });
    });

    it('when a first checkout finds no order, then it never reads the order before creating it', async () => {
      const f = checkoutFixture();
      let reads = 0;
      const findById = f.orders.findById.bind(f.orders);
      f.orders.findById = async (id) => {
        reads += 1;
        return findById(id);
      };

      await f.placeOrder.execute(checkoutCommand());

      expect(reads).toBe(0);
    });

    it('when the first attempt failed, then the retry gets the same error without new side effects', async () => {
      const f = checkoutFixture();
      f.payments.chargeBehaviour = 'decline';
      const command = checkoutCommand();
      await f.placeOrder.execute(command).catch(() => undefined);
      f.payments.chargeBehaviour = 'capture';

      const error = await f.placeOrder.execute(command).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PaymentDeclinedError);
      expect(f.payments.chargeCalls).toHaveLength(1);
      expect(f.reservations.reserveCalls).toHaveLength(1);
    });

    it('when the order is still mid-saga (a crashed attempt), then the retry gets 409 IN_PROGRESS', async () => {
      const f = checkoutFixture();
      const command = checkoutCommand();
      const orderId = checkoutOrderId(command.customerId, command.idempotencyKey);
      await f.orders.create({
        id: orderId,
        customerId: 'cust-1',
        items: [{ sku: 'MUG', quantity: 1, unitPrice: 1_200 }],
        currency: 'EUR',
        degraded: [],
      });
      await f.orders.markReserved(orderId);

      const error = await f.placeOrder.execute(command).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(CheckoutInProgressError);
      expect((error as CheckoutInProgressError).meta).toEqual({ orderId, status: 'RESERVED' });
      expect((error as CheckoutInProgressError).final).toBe(false);
      expect(f.payments.chargeCalls).toEqual([]);
    });

    it('when another customer uses the same key, then they get their own order', async () => {
      const f = checkoutFixture();
      const first = await f.placeOrder.execute(checkoutCommand({ idempotencyKey: 'shared' }));

      const second = await f.placeOrder.execute(
        checkoutCommand({ idempotencyKey: 'shared', customerId: 'cust-2' }),
      );

      expect(second.order.id).not.toBe(first.order.id);
      expect(f.payments.chargeCalls).toHaveLength(2);
    });
  });

  it('when the request has a deadline, then reserve and charge run with the compensation reserve kept back, compensation with all of it', async () => {
    // Arrange
    const f = checkoutFixture({ compensationReserveMs: 300 });
    const seen: Record<string, number | undefined> = {};
    const charge = f.payments.charge.bind(f.payments);
    f.payments.charge = (request) => {
      seen.charge = currentDeadline();
      return charge(request);
    };
    f.payments.chargeBehaviour = 'decline';
    const release = f.reservations.release.bind(f.reservations);
    f.reservations.release = (orderId) => {
      seen.release = currentDeadline();
      return release(orderId);
    };
    const deadlineAt = Date.now() + 3_000;

    // Act
    await runWithDeadline(deadlineAt, () => f.placeOrder.execute(checkoutCommand())).catch(
      () => undefined,
    );

    // Assert
    expect(seen).toEqual({ charge: deadlineAt - 300, release: deadlineAt });
  });

  it('when a port fails unexpectedly after the order is stored, then the answer is IN_PROGRESS and the error is logged', async () => {
    const f = checkoutFixture();
    f.payments.charge = () => Promise.reject(new TypeError('bug'));

    const error = await f.placeOrder.execute(checkoutCommand()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CheckoutInProgressError);
    expect(f.logger.lines.find((l) => l.level === 'error')?.fields).toMatchObject({
      step: 'charge',
      error: 'bug',
    });
  });
});
