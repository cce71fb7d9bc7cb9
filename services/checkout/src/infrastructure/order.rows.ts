import type { Degradation } from '../domain/degradation';
import type { Order, OrderLine } from '../domain/order';
import type { OrderStatus } from '../domain/order-status';

/** A row of `orders` as pg returns it (bigint arrives as a string). */
export interface OrderRow {
  id: string;
  customer_id: string;
  status: OrderStatus;
  total_minor: string;
  currency: string;
  payment_id: string | null;
  failure_code: string | null;
  degraded: string[];
  created_at: Date;
  updated_at: Date;
}

/** A row of `order_items`. */
export interface OrderItemRow {
  sku: string;
  quantity: number;
  unit_price_minor: string;
}

/** Columns of `orders` in the order {@link OrderRow} expects. */
export const ORDER_COLUMNS =
  'id, customer_id, status, total_minor, currency, payment_id, failure_code, degraded, created_at, updated_at';

/** Maps an order row and its item rows to the domain {@link Order}. */
export function toOrder(row: OrderRow, items: readonly OrderItemRow[]): Order {
  return {
    id: row.id,
    customerId: row.customer_id,
    status: row.status,
    items: items.map(toLine),
    total: Number(row.total_minor),
    currency: row.currency,
    paymentId: row.payment_id,
    failureCode: row.failure_code,
    degraded: row.degraded as Degradation[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toLine(row: OrderItemRow): OrderLine {
  return { sku: row.sku, quantity: row.quantity, unitPrice: Number(row.unit_price_minor) };
}
