import { OrderNotFoundError } from '../domain/checkout.errors';
import type { Order } from '../domain/order';
import type { OrderRepository } from '../domain/ports/order.repository';

/** `GET /v1/orders/:orderId`: the order as stored (strongly consistent: read from the primary). */
export class GetOrderQuery {
  constructor(private readonly orders: OrderRepository) {}

  /** @throws OrderNotFoundError (404) */
  async execute(orderId: string): Promise<Order> {
    const order = await this.orders.findById(orderId);
    if (!order) throw new OrderNotFoundError(orderId);
    return order;
  }
}
