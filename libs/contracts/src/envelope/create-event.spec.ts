import { EventValidationError } from '../contracts.errors';
import { createEvent } from './create-event';
import { parseEvent } from './parse-event';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createEvent', () => {
  it('when created with defaults, then it has a fresh UUID, the registered version and now', () => {
    // Arrange
    const before = Date.now();

    // Act
    const event = createEvent('PaymentCaptured', 'order-9', {
      paymentId: 'pay-1',
      orderId: 'order-9',
      amount: 4200,
      currency: 'USD',
    });

    // Assert
    expect(event.id).toMatch(UUID);
    expect(event.type).toBe('PaymentCaptured');
    expect(event.version).toBe(1);
    expect(event.key).toBe('order-9');
    expect(event.trace).toEqual({});
    expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(event.occurredAt)).toBeLessThanOrEqual(Date.now());
  });

  it('when two events are created, then their ids differ', () => {
    const data = { cartId: 'cart-1', sku: 'SKU-1', quantity: 1 };

    const a = createEvent('CartItemAdded', 'cart-1', data);
    const b = createEvent('CartItemAdded', 'cart-1', data);

    expect(a.id).not.toBe(b.id);
  });

  it('when id, time and trace are given, then they are used as-is', () => {
    const options = {
      id: '7d444840-9dc0-41d2-b7ab-6d2cd6c1e5d5',
      occurredAt: new Date('2024-05-06T07:08:09.000Z'),
      trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    };

    const event = createEvent(
      'StockReserved',
      'order-3',
      { orderId: 'order-3', items: [{ sku: 'A', quantity: 3 }] },
      options,
    );

    expect(event.id).toBe(options.id);
    expect(event.occurredAt).toBe('2024-05-06T07:08:09.000Z');
    expect(event.trace).toEqual(options.trace);
  });

  it('when the created event is serialised and parsed, then it round-trips unchanged', () => {
    const event = createEvent('OrderFailed', 'order-5', {
      orderId: 'order-5',
      customerId: 'customer-2',
      reason: 'CHECKOUT.PAYMENT_DECLINED',
    });

    const parsed = parseEvent(JSON.stringify(event), { topic: 'orders' });

    expect(parsed).toEqual({ ok: true, event });
  });

  it('when data breaks its schema, then it throws a typed INVALID_EVENT_DATA error', () => {
    const act = () =>
      createEvent('PaymentRefunded', 'order-1', {
        paymentId: 'pay-1',
        orderId: 'order-1',
        amount: 10.5,
        currency: 'eur',
      });

    expect(act).toThrow(EventValidationError);
    try {
      act();
    } catch (e) {
      const error = e as EventValidationError;
      expect(error.code).toBe('CONTRACTS.INVALID_EVENT_DATA');
      expect(error.eventType).toBe('PaymentRefunded');
      expect(error.issues.map((i) => i.path).sort()).toEqual(['data.amount', 'data.currency']);
    }
  });

  it('when the key is empty, then it throws a typed INVALID_ENVELOPE error', () => {
    const act = () => createEvent('CartItemRemoved', '', { cartId: 'c', sku: 'S', quantity: 1 });

    expect(act).toThrow(expect.objectContaining({ code: 'CONTRACTS.INVALID_ENVELOPE' }));
  });

  it('when a reason is not a stable code, then OrderFailed is rejected', () => {
    const act = () =>
      createEvent('OrderFailed', 'order-1', {
        orderId: 'order-1',
        customerId: 'customer-1',
        reason: 'card declined: 4111 1111 1111 1111',
      });

    expect(act).toThrow(expect.objectContaining({ code: 'CONTRACTS.INVALID_EVENT_DATA' }));
  });
});
