import type { z } from 'zod';
import type { PlacedOrder } from '../application/place-order.command';
import type { Order } from '../domain/order';
import type { checkoutResponseSchema, orderResponseSchema } from './checkout.dto';

/** Response header listing the fallbacks a checkout used (comma-separated), only when any was. */
export const DEGRADED_HEADER = 'x-degraded';

/** The 201 body of a confirmed checkout. */
export function toCheckoutResponse(placed: PlacedOrder): z.infer<typeof checkoutResponseSchema> {
  const { order } = placed;
  return {
    orderId: order.id,
    status: 'CONFIRMED',
    total: order.total,
    currency: order.currency,
    items: order.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
    recommendations: [...placed.recommendations],
  };
}

/** The body of `GET /v1/orders/:orderId`. */
export function toOrderResponse(order: Order): z.infer<typeof orderResponseSchema> {
  return {
    orderId: order.id,
    customerId: order.customerId,
    status: order.status,
    total: order.total,
    currency: order.currency,
    items: order.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
    paymentId: order.paymentId,
    failureCode: order.failureCode,
    createdAt: order.createdAt.toISOString(),
  };
}
