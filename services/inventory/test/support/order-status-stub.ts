import type { OrderOutcome, OrderStatusPort } from '../../src/domain/order-status.port';

/**
 * An {@link OrderStatusPort} answering from a table (`fallback` for orders not in it), and
 * remembering which orders it was asked about.
 */
export class OrderStatusStub implements OrderStatusPort {
  readonly asked: string[] = [];
  readonly answers = new Map<string, OrderOutcome>();

  constructor(private readonly fallback: OrderOutcome = 'NOT_FOUND') {}

  async outcomeOf(orderId: string): Promise<OrderOutcome> {
    this.asked.push(orderId);
    return this.answers.get(orderId) ?? this.fallback;
  }
}
