import type { ClaimPart, StatementPart } from '@rc/resilience';
import type { NewOrder, Order } from '../../src/domain/order';
import { orderTotal } from '../../src/domain/order';
import type { OrderStatus } from '../../src/domain/order-status';
import { UNFINISHED_STATUSES } from '../../src/domain/order-status';
import type {
  CreateOrderResult,
  OrderRepository,
  RecoveryDecision,
} from '../../src/domain/ports/order.repository';

/** An event the repository "wrote to the outbox". */
export interface RecordedEvent {
  type: 'OrderPlaced' | 'OrderFailed';
  orderId: string;
  reason?: string;
}

/**
 * The order repository's contract in memory, for unit tests of the saga: guarded transitions,
 * events recorded with the transition that ends the saga, staleness by a settable clock. The
 * Postgres adapter is tested against the same rules in the integration suite.
 */
export class InMemoryOrderRepository implements OrderRepository {
  readonly orders = new Map<string, Order>();
  readonly events: RecordedEvent[] = [];
  /** Every status an order went through, in order. */
  readonly history = new Map<string, OrderStatus[]>();
  nowMs = Date.parse('2026-01-01T00:00:00Z');
  /** Called before a transition is applied (lets a test move the order "concurrently"). */
  beforeTransition?: (orderId: string, to: OrderStatus) => void;

  async findById(orderId: string): Promise<Order | undefined> {
    return this.orders.get(orderId);
  }

  /** The claim part each create carried, by order id. */
  readonly createParts = new Map<string, ClaimPart | undefined>();
  /** Thrown by the next create instead of storing (e.g. its claim part meeting the key). */
  createError?: Error;

  async create(order: NewOrder, part?: ClaimPart): Promise<CreateOrderResult> {
    this.createParts.set(order.id, part);
    const failure = this.createError;
    if (failure) {
      this.createError = undefined;
      throw failure;
    }
    const existing = this.orders.get(order.id);
    if (existing) return { created: false, order: existing };
    const now = new Date(this.nowMs);
    const stored: Order = {
      ...order,
      status: 'PENDING',
      total: orderTotal(order.items),
      paymentId: null,
      failureCode: null,
      createdAt: now,
      updatedAt: now,
    };
    this.orders.set(order.id, stored);
    this.history.set(order.id, ['PENDING']);
    return { created: true, order: stored };
  }

  async markReserved(orderId: string): Promise<boolean> {
    return this.move(orderId, 'PENDING', { status: 'RESERVED' });
  }

  async markCompensating(
    orderId: string,
    from: OrderStatus,
    failureCode: string,
  ): Promise<boolean> {
    return this.move(orderId, from, { status: 'COMPENSATING', failureCode });
  }

  /** The statement parts each confirm carried, by order id. */
  readonly confirmParts = new Map<string, StatementPart | undefined>();

  async confirm(order: Order, paymentId: string, completion?: StatementPart): Promise<boolean> {
    this.confirmParts.set(order.id, completion);
    return this.confirmFrom(order.id, 'RESERVED', { status: 'CONFIRMED', paymentId });
  }

  async fail(orderId: string, from: OrderStatus, failureCode: string): Promise<boolean> {
    const moved = this.move(orderId, from, { status: 'FAILED', failureCode });
    if (moved) this.events.push({ type: 'OrderFailed', orderId, reason: failureCode });
    return moved;
  }

  async recoverNext(
    staleAfterMs: number,
    decide: (order: Order) => Promise<RecoveryDecision>,
  ): Promise<{ order: Order; decision: RecoveryDecision } | undefined> {
    const stale = [...this.orders.values()]
      .filter((o) => UNFINISHED_STATUSES.includes(o.status))
      .filter((o) => o.updatedAt.getTime() < this.nowMs - staleAfterMs)
      .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime());
    const order = stale[0];
    if (!order) return undefined;
    const decision = await decide(order);
    if (decision.action === 'confirm')
      this.confirmFrom(order.id, 'CHARGED', { status: 'CONFIRMED' });
    else if (decision.action === 'fail')
      await this.fail(order.id, order.status, decision.failureCode);
    else
      this.move(order.id, order.status, {
        status: 'COMPENSATING',
        failureCode: decision.failureCode,
      });
    return { order, decision };
  }

  /** Test helper: stores an order in any state, last updated `ageMs` ago. */
  seed(order: Order, ageMs = 0): void {
    this.orders.set(order.id, { ...order, updatedAt: new Date(this.nowMs - ageMs) });
    this.history.set(order.id, [order.status]);
  }

  private confirmFrom(orderId: string, from: OrderStatus, changes: Partial<Order>): boolean {
    const moved = this.move(orderId, from, changes);
    if (moved) this.events.push({ type: 'OrderPlaced', orderId });
    return moved;
  }

  private move(orderId: string, from: OrderStatus, changes: Partial<Order>): boolean {
    this.beforeTransition?.(orderId, changes.status as OrderStatus);
    const order = this.orders.get(orderId);
    if (!order || order.status !== from) return false;
    this.orders.set(orderId, { ...order, ...changes, updatedAt: new Date(this.nowMs) });
    this.history.get(orderId)?.push(changes.status as OrderStatus);
    return true;
  }
}
