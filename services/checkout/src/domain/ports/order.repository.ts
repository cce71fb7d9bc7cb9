import type { ClaimPart } from '@rc/resilience';
import type { StatementPart } from '@rc/resilience';
import type { NewOrder, Order } from '../order';
import type { OrderStatus } from '../order-status';

/** Result of {@link OrderRepository.create}: the new order, or the one that already had its id. */
export type CreateOrderResult =
  | { readonly created: true; readonly order: Order }
  | { readonly created: false; readonly order: Order };

/** What the recovery worker decided for a stalled order; applied in the claiming transaction. */
export type RecoveryDecision =
  /**
   * CHARGED → CONFIRMED with `OrderPlaced` in the outbox (an order left CHARGED by an earlier
   * version, which stored the capture as a step of its own).
   */
  | { readonly action: 'confirm' }
  /** → FAILED with `OrderFailed` (reason `failureCode`) in the outbox. */
  | { readonly action: 'fail'; readonly failureCode: string }
  /** Compensation could not finish now: → COMPENSATING, looked at again after the stale delay. */
  | { readonly action: 'retry_later'; readonly failureCode: string };

/**
 * Orders and their saga state (Postgres). Every transition is guarded by the status it leaves
 * (`UPDATE … WHERE status = <from>`) and returns false when the order was no longer there —
 * another actor (the recovery worker, a concurrent retry) moved it first. Transitions that end
 * the saga write their event to the outbox in the same transaction.
 */
export interface OrderRepository {
  findById(orderId: string): Promise<Order | undefined>;
  /**
   * Inserts the order PENDING with its lines, or returns the existing order with that id.
   * `part`, when given, rides on the same statement (the request's `Idempotency-Key` claimed
   * with it).
   */
  create(order: NewOrder, part?: ClaimPart): Promise<CreateOrderResult>;
  /** PENDING → RESERVED. */
  markReserved(orderId: string): Promise<boolean>;
  /** `from` → COMPENSATING with the failure code: the recovery point before compensating. */
  markCompensating(orderId: string, from: OrderStatus, failureCode: string): Promise<boolean>;
  /**
   * RESERVED → CONFIRMED, remembering the captured payment, + `OrderPlaced` (built from `order`:
   * its lines and total are fixed at creation) in the outbox, in one transaction. The saga's
   * step right after the capture: the capture's recovery point is the confirmed order itself.
   * `completion`, when given, is carried by the same statement (the request's `Idempotency-Key`
   * completed with its answer when, and only when, the order is confirmed).
   */
  confirm(order: Order, paymentId: string, completion?: StatementPart): Promise<boolean>;
  /** `from` → FAILED + `OrderFailed` in the outbox, in one transaction. */
  fail(orderId: string, from: OrderStatus, failureCode: string): Promise<boolean>;
  /**
   * Claims one unfinished order not updated for `staleAfterMs` (row lock, `SKIP LOCKED`, so
   * replicas never claim the same order), runs `decide` while holding it, applies the decision
   * and commits. Returns undefined when there is nothing to recover.
   */
  recoverNext(
    staleAfterMs: number,
    decide: (order: Order) => Promise<RecoveryDecision>,
  ): Promise<{ order: Order; decision: RecoveryDecision } | undefined>;
}

/** DI token of {@link OrderRepository}. */
export const ORDER_REPOSITORY = Symbol('OrderRepository');
