import type { Degradation } from './degradation';
import type { OrderStatus } from './order-status';

/** A line of an order, priced when the order was created. */
export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
  /** Price of one unit in minor units of the order's currency. */
  readonly unitPrice: number;
}

/** An order as checkout stores it. Money is in integer minor units of `currency`. */
export interface Order {
  readonly id: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly items: readonly OrderLine[];
  readonly total: number;
  readonly currency: string;
  /** The captured payment, once charged. */
  readonly paymentId: string | null;
  /** Stable code of why the order failed (or is being compensated), e.g. `CHECKOUT.OUT_OF_STOCK`. */
  readonly failureCode: string | null;
  /** Fallbacks used while the order was created (e.g. `cart`: items came from the body). */
  readonly degraded: readonly Degradation[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What checkout knows about an order before it is stored (status PENDING). */
export interface NewOrder {
  readonly id: string;
  readonly customerId: string;
  readonly items: readonly OrderLine[];
  readonly currency: string;
  readonly degraded: readonly Degradation[];
}

/** Sum of `quantity × unitPrice` over the lines, in minor units. */
export function orderTotal(lines: readonly OrderLine[]): number {
  const total = lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  if (!Number.isSafeInteger(total)) throw new RangeError('order total exceeds the safe range');
  return total;
}
