import { createEvent } from '@rc/contracts';
import { randomUUID } from 'node:crypto';

/** An OrderPlaced with the given lines (sku, quantity, unit price), total = their sum. */
export function orderPlaced(lines: Array<[string, number, number]>, currency = 'EUR') {
  const orderId = randomUUID();
  const items = lines.map(([sku, quantity, unitPrice]) => ({ sku, quantity, unitPrice }));
  const total = items.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
  return createEvent('OrderPlaced', orderId, {
    orderId,
    customerId: 'customer-1',
    items,
    total,
    currency,
  });
}

export function orderFailed() {
  const orderId = randomUUID();
  return createEvent('OrderFailed', orderId, {
    orderId,
    customerId: 'customer-1',
    reason: 'CHECKOUT.PAYMENT_DECLINED',
  });
}

export function payment(type: 'PaymentCaptured' | 'PaymentRefunded', amount = 1_000) {
  const orderId = randomUUID();
  return createEvent(type, orderId, { paymentId: randomUUID(), orderId, amount, currency: 'EUR' });
}

export function cartItemAdded(sku: string, quantity: number) {
  return createEvent('CartItemAdded', 'cart-1', { cartId: 'cart-1', sku, quantity });
}

export function stockCommitted(sku: string) {
  const orderId = randomUUID();
  return createEvent('StockCommitted', orderId, { orderId, items: [{ sku, quantity: 1 }] });
}
