import { OrderNotFoundError } from '../domain/checkout.errors';
import type { Order } from '../domain/order';
import type { OrderRepository } from '../domain/ports/order.repository';

/** `GET /v1/orders/:orderId`: the order as stored (strongly consistent: read from the primary). */
export class GetOrderQuery {
  constructor(private readonly orders: OrderRepository) {}

  /**
   * The order; read for `customerId`, only that customer's (another's is not found, so order
   * ids reveal nothing); without one (a platform service asks), any.
   * @throws OrderNotFoundError (404)
   */
  async execute(orderId: string, customerId?: string): Promise<Order> {
    const order = await this.orders.findById(orderId);
    if (!order || (customerId !== undefined && order.customerId !== customerId)) {
      throw new OrderNotFoundError(orderId);
    }
    return order;
  }
}
