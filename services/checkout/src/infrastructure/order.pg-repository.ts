import { createEvent } from '@rc/contracts';
import { OUTBOX_COLUMNS, outbox } from '@rc/messaging';
import { withTransaction } from '@rc/platform';
import type { ClaimPart, StatementPart } from '@rc/resilience';
import type { ClientBase, Pool } from 'pg';
import { orderTotal, type NewOrder, type Order } from '../domain/order';
import { UNFINISHED_STATUSES, type OrderStatus } from '../domain/order-status';
import type {
  CreateOrderResult,
  OrderRepository,
  RecoveryDecision,
} from '../domain/ports/order.repository';
import { ORDER_COLUMNS, toOrder, type OrderItemRow, type OrderRow } from './order.rows';

type Queryable = Pick<ClientBase, 'query'>;

/**
 * Orders in Postgres. Every transition is one conditional `UPDATE … WHERE id = $1 AND status =
 * <from>`: the row's status is the lock-free arbiter between the request that runs a saga and
 * the recovery worker that may take it over, so neither can move an order the other already
 * moved. The two transitions that end a saga insert their event into the outbox in the same
 * transaction (`OrderPlaced`, `OrderFailed`): the event exists exactly when the fact does.
 */
export class PgOrderRepository implements OrderRepository {
  constructor(private readonly pool: Pool) {}

  async findById(orderId: string): Promise<Order | undefined> {
    return findOrder(this.pool, orderId);
  }

  async create(order: NewOrder, part?: ClaimPart): Promise<CreateOrderResult> {
    // One statement (so one implicit transaction and one round trip): the order row and its
    // lines are inserted together or not at all; on a conflicting id neither is, because the
    // lines are selected from the order's RETURNING. A claim part (the request's
    // Idempotency-Key) rides on it: its INSERT meeting an existing key undoes the statement.
    const { rows } = await this.pool.query<OrderRow>(
      `WITH ${part ? `${part.cte('idem', 9)}, ` : ''}inserted AS (
         INSERT INTO orders (id, customer_id, status, total_minor, currency, degraded)
         VALUES ($1, $2, 'PENDING', $3, $4, $5)
         ON CONFLICT (id) DO NOTHING
         RETURNING ${ORDER_COLUMNS}
       ), lines AS (
         INSERT INTO order_items (order_id, sku, quantity, unit_price_minor)
         SELECT inserted.id, line.* FROM inserted,
           unnest($6::text[], $7::integer[], $8::bigint[]) AS line
       )
       SELECT * FROM inserted`,
      [
        order.id,
        order.customerId,
        orderTotal(order.items),
        order.currency,
        order.degraded,
        order.items.map((l) => l.sku),
        order.items.map((l) => l.quantity),
        order.items.map((l) => l.unitPrice),
        ...(part?.values ?? []),
      ],
    );
    part?.settle();
    const row = rows[0];
    if (row) {
      const lines = [...order.items].sort((a, b) => a.sku.localeCompare(b.sku));
      return { created: true, order: { ...toOrder(row, []), items: lines } };
    }
    // The id existed (a retry, or a concurrent attempt that committed first): answer with it.
    const existing = await findOrder(this.pool, order.id);
    if (!existing) throw new Error(`order ${order.id} conflicted but cannot be read`);
    return { created: false, order: existing };
  }

  async markReserved(orderId: string): Promise<boolean> {
    return move(this.pool, orderId, 'PENDING', 'RESERVED');
  }

  async markCompensating(
    orderId: string,
    from: OrderStatus,
    failureCode: string,
  ): Promise<boolean> {
    return move(this.pool, orderId, from, 'COMPENSATING', { failureCode });
  }

  async confirm(order: Order, paymentId: string, completion?: StatementPart): Promise<boolean> {
    return confirmIn(this.pool, order, 'RESERVED', paymentId, completion);
  }

  async fail(orderId: string, from: OrderStatus, failureCode: string): Promise<boolean> {
    return withTransaction(this.pool, (client) => failIn(client, orderId, from, failureCode));
  }

  async recoverNext(
    staleAfterMs: number,
    decide: (order: Order) => Promise<RecoveryDecision>,
  ): Promise<{ order: Order; decision: RecoveryDecision } | undefined> {
    return withTransaction(this.pool, async (client) => {
      // The row lock is held while `decide` calls other services: a second replica skips this
      // order (SKIP LOCKED) instead of compensating it twice, and a late request's transition
      // waits, then finds the status moved.
      const { rows } = await client.query<OrderRow>(
        `SELECT ${ORDER_COLUMNS} FROM orders
         WHERE status = ANY($1::text[]) AND updated_at < now() - make_interval(secs => $2)
         ORDER BY updated_at
         LIMIT 1
         FOR UPDATE SKIP LOCKED`,
        [UNFINISHED_STATUSES, staleAfterMs / 1000],
      );
      const row = rows[0];
      if (!row) return undefined;
      const order = toOrder(row, await itemsOf(client, row.id));
      const decision = await decide(order);
      switch (decision.action) {
        case 'confirm':
          // Only an order left CHARGED is confirmed forward; its payment id is already stored.
          await confirmIn(client, order, 'CHARGED', order.paymentId);
          break;
        case 'fail':
          await failIn(client, order.id, order.status, decision.failureCode);
          break;
        case 'retry_later':
          await move(client, order.id, order.status, 'COMPENSATING', {
            failureCode: decision.failureCode,
          });
          break;
      }
      return { order, decision };
    });
  }
}

async function findOrder(db: Queryable, orderId: string): Promise<Order | undefined> {
  const { rows } = await db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [
    orderId,
  ]);
  const row = rows[0];
  return row ? toOrder(row, await itemsOf(db, orderId)) : undefined;
}

async function itemsOf(db: Queryable, orderId: string): Promise<OrderItemRow[]> {
  const { rows } = await db.query<OrderItemRow>(
    'SELECT sku, quantity, unit_price_minor FROM order_items WHERE order_id = $1 ORDER BY sku',
    [orderId],
  );
  return rows;
}

/** The guarded transition: true when the order was in `from` and is now in `to`. */
async function move(
  db: Queryable,
  orderId: string,
  from: OrderStatus,
  to: OrderStatus,
  changes: { paymentId?: string; failureCode?: string } = {},
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE orders
     SET status = $3,
         payment_id = COALESCE($4, payment_id),
         failure_code = COALESCE($5, failure_code),
         updated_at = now()
     WHERE id = $1 AND status = $2`,
    [orderId, from, to, changes.paymentId ?? null, changes.failureCode ?? null],
  );
  return rowCount === 1;
}

/**
 * `from` → CONFIRMED with the captured payment's id, and `OrderPlaced` in the outbox, as one
 * statement (one implicit transaction, one round trip): the outbox row is selected from the
 * UPDATE's RETURNING, so it exists exactly when the transition happened. The saga confirms from
 * RESERVED right after the capture; the recovery worker confirms an order left CHARGED (by a
 * version that stored the capture first), whose payment id is already stored. The event is built
 * from `order` as loaded or created: its customer, lines and total never change after the order
 * is created.
 */
async function confirmIn(
  db: Queryable,
  order: Order,
  from: 'RESERVED' | 'CHARGED',
  paymentId: string | null,
  completion?: StatementPart,
): Promise<boolean> {
  const row = outbox.row(
    createEvent('OrderPlaced', order.id, {
      orderId: order.id,
      customerId: order.customerId,
      items: order.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
      total: order.total,
      currency: order.currency,
    }),
  );
  // With the request's Idempotency-Key completed by the same statement when a part is given:
  // one round trip and one commit for both, the key completed exactly when the order is.
  const { rows } = await db.query<{ confirmed: number; idem?: unknown }>(
    `WITH confirmed AS (
       UPDATE orders
       SET status = 'CONFIRMED', payment_id = COALESCE($2, payment_id), updated_at = now()
       WHERE id = $1 AND status = $3
       RETURNING id
     ), placed AS (
       INSERT INTO outbox ${OUTBOX_COLUMNS}
       SELECT $4, $5, $6, $7, $8, $9 FROM confirmed
     )${completion ? `, ${completion.cte('idem', 10, 'EXISTS (SELECT 1 FROM confirmed)')}` : ''}
     SELECT (SELECT count(*) FROM confirmed)::int AS confirmed${
       completion ? `, ${completion.result('idem')} AS idem` : ''
     }`,
    [order.id, paymentId, from, ...row, ...(completion?.values ?? [])],
  );
  completion?.settle(rows[0]?.idem);
  return rows[0]?.confirmed === 1;
}

async function failIn(
  client: ClientBase,
  orderId: string,
  from: OrderStatus,
  failureCode: string,
): Promise<boolean> {
  const { rows } = await client.query<{ customer_id: string }>(
    `UPDATE orders SET status = 'FAILED', failure_code = $3, updated_at = now()
     WHERE id = $1 AND status = $2
     RETURNING customer_id`,
    [orderId, from, failureCode],
  );
  const row = rows[0];
  if (!row) return false;
  await outbox.add(
    client,
    createEvent('OrderFailed', orderId, {
      orderId,
      customerId: row.customer_id,
      reason: failureCode,
    }),
  );
  return true;
}
