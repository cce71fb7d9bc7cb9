import type { INVARIANTS } from './catalogue';
import type { RunContext } from './run-context';

type Invariant = (typeof INVARIANTS)[number];

/** Violations per invariant: how many, and a few order ids to look at. */
export interface InvariantResult {
  orders: number;
  byStatus: Record<string, number>;
  violations: Partial<Record<Invariant, { count: number; examples: string[] }>>;
}

const UNFINISHED = ['PENDING', 'RESERVED', 'CHARGED', 'COMPENSATING'];

/**
 * The money and stock invariants over this run's orders (customer id prefix), read from each
 * service's own database after the unfinished sagas had up to `settleMs` to finish or be
 * compensated by the recovery worker:
 * - `unfinished_orders`: still PENDING/RESERVED/CHARGED/COMPENSATING after settling;
 * - `double_charge`: an order with more than one CAPTURED payment;
 * - `confirmed_without_one_capture`: a CONFIRMED order without exactly one CAPTURED payment;
 * - `failed_with_capture`: a FAILED order that still has a CAPTURED payment (not refunded);
 * - `capture_without_order`: a payment CAPTURED since the run began whose order is not
 *   CONFIRMED (the "charged but no order" outcome of a lost answer) — among the checked orders,
 *   or with no order at all (a capture of an order placed after the first reading is in flight);
 * - `failed_stock_held`: a FAILED order whose reservation still holds stock;
 * - `confirmed_not_committed`: a CONFIRMED order whose reservation inventory has not committed
 *   (inventory commits when it consumes OrderPlaced: the event's effect was not applied).
 * Settling waits for unfinished orders, uncommitted confirmed ones (the events flow) and FAILED
 * ones whose capture is not refunded yet (payment retries a refund that failed).
 */
export async function checkInvariants(
  ctx: RunContext,
  checks: readonly Invariant[],
  settleMs: number,
): Promise<InvariantResult> {
  const { platform } = ctx;
  const deadline = Date.now() + settleMs;
  let orders: { id: string; status: string }[] = [];
  let uncommitted: string[] = [];
  // The orders as of the first reading: the load goes on while the check waits, and a check
  // that took in each new order would always find the latest few not settled yet.
  let checked: string[] | undefined;
  for (;;) {
    orders = await (checked === undefined
      ? platform.sql<{ id: string; status: string }>(
          'checkout',
          'SELECT id::text, status FROM orders WHERE customer_id LIKE $1',
          [`${ctx.customerPrefix}-%`],
        )
      : platform.sql<{ id: string; status: string }>(
          'checkout',
          'SELECT id::text, status FROM orders WHERE id = ANY($1::uuid[])',
          [checked],
        ));
    checked ??= orders.map((o) => o.id);
    const confirmed = orders.filter((o) => o.status === 'CONFIRMED').map((o) => o.id);
    const committed = await platform.sql<{ order_id: string }>(
      'inventory',
      "SELECT order_id::text FROM reservations WHERE order_id = ANY($1::uuid[]) AND status = 'COMMITTED'",
      [confirmed],
    );
    const done = new Set(committed.map((c) => c.order_id));
    uncommitted = confirmed.filter((id) => !done.has(id));
    // A FAILED order's refund may still be in flight (payment retries failed refunds).
    const refunding = await platform.sql<{ order_id: string }>(
      'payment',
      "SELECT order_id::text FROM payments WHERE order_id = ANY($1::uuid[]) AND status = 'CAPTURED'",
      [orders.filter((o) => o.status === 'FAILED').map((o) => o.id)],
    );
    const settled =
      !orders.some((o) => UNFINISHED.includes(o.status)) &&
      uncommitted.length === 0 &&
      refunding.length === 0;
    if (settled || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const ids = orders.map((o) => o.id);
  const payments = await platform.sql<{ order_id: string; status: string }>(
    'payment',
    `SELECT order_id::text, status FROM payments
      WHERE order_id = ANY($1::uuid[]) OR (status = 'CAPTURED' AND created_at >= $2)`,
    [ids, ctx.startedAt],
  );
  const captures = new Map<string, number>();
  for (const p of payments)
    if (p.status === 'CAPTURED') captures.set(p.order_id, (captures.get(p.order_id) ?? 0) + 1);
  const statusOf = new Map(orders.map((o) => [o.id, o.status]));
  // Captures of orders outside the checked set (placed after the first reading, or by another
  // customer prefix) are judged only when no order exists at all: the others are still in
  // flight or settling, and nothing waited for them.
  const elsewhere = await platform.sql<{ id: string }>(
    'checkout',
    'SELECT id::text FROM orders WHERE id = ANY($1::uuid[])',
    [[...captures.keys()].filter((id) => !statusOf.has(id))],
  );
  const outsideSet = new Set(elsewhere.map((o) => o.id));
  const failed = orders.filter((o) => o.status === 'FAILED').map((o) => o.id);
  const held = await platform.sql<{ order_id: string }>(
    'inventory',
    "SELECT order_id::text FROM reservations WHERE order_id = ANY($1::uuid[]) AND status = 'RESERVED'",
    [failed],
  );

  const found: Record<Invariant, string[]> = {
    unfinished_orders: orders.filter((o) => UNFINISHED.includes(o.status)).map((o) => o.id),
    double_charge: [...captures].filter(([, n]) => n > 1).map(([id]) => id),
    confirmed_without_one_capture: orders
      .filter((o) => o.status === 'CONFIRMED' && captures.get(o.id) !== 1)
      .map((o) => o.id),
    failed_with_capture: failed.filter((id) => (captures.get(id) ?? 0) > 0),
    capture_without_order: [...captures.keys()].filter(
      (id) => !outsideSet.has(id) && statusOf.get(id) !== 'CONFIRMED',
    ),
    failed_stock_held: held.map((h) => h.order_id),
    confirmed_not_committed: uncommitted,
  };
  const byStatus: Record<string, number> = {};
  for (const o of orders) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
  const violations: InvariantResult['violations'] = {};
  for (const check of checks)
    violations[check] = { count: found[check].length, examples: found[check].slice(0, 5) };
  return { orders: orders.length, byStatus, violations };
}
