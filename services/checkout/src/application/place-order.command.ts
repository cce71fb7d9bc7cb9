import { type ClaimPart, isIdempotencyKeyConflict, type StatementPart } from '@rc/resilience';
import {
  CheckoutError,
  CheckoutInProgressError,
  errorForFailedOrder,
} from '../domain/checkout.errors';
import type { Degradation } from '../domain/degradation';
import { checkoutOrderId } from '../domain/order-id';
import type { Order } from '../domain/order';
import type { CartLine, CartPort } from '../domain/ports/cart.port';
import type { CatalogPort } from '../domain/ports/catalog.port';
import type { OrderRepository } from '../domain/ports/order.repository';
import type { RecommendationPort, Recommendations } from '../domain/ports/recommendation.port';
import { describeError, type CheckoutLogger } from './checkout-logger';
import type { CheckoutMetrics, SagaResult } from './checkout-metrics';
import type { OrderSaga } from './order-saga';
import { OrderTakenOverError } from './order-taken-over.error';
import { priceOrderLines } from './price-order-lines';
import { resolveOrderLines } from './resolve-order-lines';
import { newSagaProgress, type SagaProgress } from './saga-progress';

/** A checkout request, validated at the edge. */
export interface PlaceOrderCommand {
  /** The signed-in customer (from the bearer token, never the body). */
  readonly customerId: string;
  /**
   * The customer's own credentials (`Bearer <token>`), forwarded to the cart service, which
   * keeps each customer's carts apart. Secret: never logged or stored.
   */
  readonly credentials?: string;
  /** The client's Idempotency-Key: with `customerId` it names the order. */
  readonly idempotencyKey: string;
  readonly cartId?: string;
  readonly items?: readonly CartLine[];
  /** Secret: only ever passed to the payment port. */
  readonly paymentToken: string;
  /**
   * The part of the confirm's statement that completes the request's `Idempotency-Key` with the
   * answer `placed` gets (the API layer renders it; see `idempotentCompletion`). Undefined, or
   * returning undefined: the key is completed after the handler, as for any request.
   */
  readonly completion?: (placed: PlacedOrder) => StatementPart | undefined;
  /**
   * A part for the order's INSERT, the saga's first statement: the request's `Idempotency-Key`
   * claimed with it (see `idempotentClaim`).
   */
  readonly claim?: () => ClaimPart | undefined;
}

/** A confirmed checkout. */
export interface PlacedOrder {
  readonly order: Order;
  readonly recommendations: readonly string[];
  /** Fallbacks used (order: `cart`, then `recommendations`); empty when none. */
  readonly degraded: readonly Degradation[];
}

/** Collaborators of {@link PlaceOrderHandler}. */
export interface PlaceOrderDeps {
  readonly orders: OrderRepository;
  readonly cart: CartPort;
  readonly catalog: CatalogPort;
  readonly recommendations: RecommendationPort;
  readonly saga: OrderSaga;
  readonly metrics: CheckoutMetrics;
  readonly logger: CheckoutLogger;
  /** Largest number of lines one order may have. */
  readonly maxLines: number;
  /** Monotonic seconds (for the duration metric). */
  readonly now?: () => number;
}

/**
 * `POST /v1/checkout`: resolve lines (cart, or the body as fallback) → price them → store the
 * order PENDING → the saga (reserve → charge → confirm, compensating on failure) →
 * recommendations. The order id is derived from customer and Idempotency-Key, so a retry finds
 * the order of the first attempt and is answered from its state: CONFIRMED → the same result,
 * FAILED → the same error, anything else → 409 CHECKOUT.IN_PROGRESS.
 */
export class PlaceOrderHandler {
  private readonly now: () => number;

  constructor(private readonly deps: PlaceOrderDeps) {
    this.now = deps.now ?? (() => performance.now() / 1000);
  }

  /** Places the order; throws its outcome as a `CheckoutError` when it is not confirmed. */
  async execute(command: PlaceOrderCommand): Promise<PlacedOrder> {
    const started = this.now();
    const progress = newSagaProgress();
    try {
      const placed = await this.place(command, progress);
      this.finished('confirmed', progress, started);
      return placed;
    } catch (error) {
      // Not an outcome: the order's INSERT met the request's Idempotency-Key and was undone; the
      // request is answered from the key (replay, 409) or run again.
      if (!isIdempotencyKeyConflict(error))
        this.finished(resultOf(error, progress), progress, started);
      throw error;
    }
  }

  private async place(command: PlaceOrderCommand, progress: SagaProgress): Promise<PlacedOrder> {
    const { orders } = this.deps;
    const orderId = checkoutOrderId(command.customerId, command.idempotencyKey);
    // No read of the order first: the Idempotency-Key store in front of this handler answers
    // almost every retry, so a lookup here would be a round trip per checkout that nearly never
    // finds anything. A retry that does get here (its key's record expired or was released)
    // meets its order at `create` (ON CONFLICT) — or, when resolving or pricing the lines
    // refuses it first (the cart was emptied since), in the lookup of that error path.
    let resolved: Awaited<ReturnType<typeof resolveOrderLines>>;
    let priced: Awaited<ReturnType<typeof priceOrderLines>>;
    try {
      resolved = await resolveOrderLines(this.deps.cart, command, this.deps.maxLines);
      progress.step = 'price';
      priced = await priceOrderLines(this.deps.catalog, resolved.lines);
    } catch (error) {
      const existing = error instanceof CheckoutError ? await orders.findById(orderId) : undefined;
      if (!existing) throw error;
      progress.step = 'existing';
      return this.fromState(existing);
    }
    progress.step = 'create';
    const stored = await orders.create(
      {
        id: orderId,
        customerId: command.customerId,
        items: priced.lines,
        currency: priced.currency,
        degraded: resolved.degraded,
      },
      command.claim?.(),
    );
    if (!stored.created) {
      progress.step = 'existing';
      return this.fromState(stored.order);
    }
    // Recommendations are asked for while the saga runs (tier 3; the port never throws), so the
    // answer is usually whole before the confirm, and the confirm's statement can store it with
    // the Idempotency-Key. When they are not in yet, the confirm does not wait for them.
    let recommendations: Recommendations | undefined;
    const asked = this.deps.recommendations
      .recommend(stored.order.items.map((line) => line.sku))
      .then((answer) => (recommendations = answer));
    asked.catch(() => undefined); // awaited below only when the order is confirmed
    let placed: PlacedOrder | undefined;
    let confirmed: Order;
    try {
      confirmed = await this.deps.saga.run(
        stored.order,
        command.paymentToken,
        progress,
        (order) => {
          if (!recommendations || !command.completion) return undefined;
          placed = this.placed(order, resolved.degraded, recommendations);
          return command.completion(placed);
        },
      );
    } catch (error) {
      if (error instanceof CheckoutError) throw error;
      if (error instanceof OrderTakenOverError) return this.fromState(await this.reload(orderId));
      // The order exists and its fate is now the recovery worker's: say "in progress", not 500.
      this.deps.logger.write('error', 'checkout saga stopped unexpectedly', {
        orderId,
        step: progress.step,
        ...describeError(error),
      });
      throw new CheckoutInProgressError(orderId, 'UNKNOWN');
    }
    return placed ?? this.placed(confirmed, resolved.degraded, await asked);
  }

  private async reload(orderId: string): Promise<Order> {
    const order = await this.deps.orders.findById(orderId);
    if (!order) throw new Error(`order ${orderId} vanished`);
    return order;
  }

  /** The answer an existing order gives to a (retried) checkout. */
  private async fromState(order: Order): Promise<PlacedOrder> {
    if (order.status === 'CONFIRMED') return this.withRecommendations(order, order.degraded);
    if (order.status === 'FAILED') throw errorForFailedOrder(order.id, order.failureCode);
    throw new CheckoutInProgressError(order.id, order.status);
  }

  private async withRecommendations(
    order: Order,
    degraded: readonly Degradation[],
  ): Promise<PlacedOrder> {
    const recs = await this.deps.recommendations.recommend(order.items.map((line) => line.sku));
    return this.placed(order, degraded, recs);
  }

  private placed(
    order: Order,
    degraded: readonly Degradation[],
    recs: Recommendations,
  ): PlacedOrder {
    return {
      order,
      recommendations: recs.skus,
      degraded: recs.degraded ? [...degraded, 'recommendations'] : degraded,
    };
  }

  private finished(result: SagaResult, progress: SagaProgress, started: number): void {
    this.deps.metrics.sagaFinished(result, progress.step, this.now() - started);
  }
}

function resultOf(error: unknown, progress: SagaProgress): SagaResult {
  if (error instanceof CheckoutInProgressError) return 'in_progress';
  if (error instanceof CheckoutError && error.final)
    return progress.compensationPending ? 'compensating' : 'failed';
  return 'rejected';
}
