/**
 * Where an order is in the checkout saga. Each status is a recovery point: a crash leaves the
 * order in the last status committed, and the recovery worker knows from it alone what is left
 * to do (see README, "Saga").
 *
 *   PENDING ──reserve──▶ RESERVED ──charge + confirm──▶ CONFIRMED
 *      │                    │
 *      └──────────┬─────────┘
 *                 ▼
 *           COMPENSATING ──refund + release──▶ FAILED
 *
 * The saga stores a capture with the confirm, in one statement (the payment id, CONFIRMED and
 * `OrderPlaced`): a crash between the charge and the confirm leaves the order RESERVED, whose
 * recovery refunds any capture. CHARGED is what versions that stored the capture as a step of
 * its own left behind; the recovery worker still confirms such an order forward.
 */
export const ORDER_STATUSES = [
  'PENDING',
  'RESERVED',
  'CHARGED',
  'CONFIRMED',
  'COMPENSATING',
  'FAILED',
] as const;

/** One of {@link ORDER_STATUSES}. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses an order never leaves. */
export const TERMINAL_STATUSES: readonly OrderStatus[] = ['CONFIRMED', 'FAILED'];

/** Statuses the recovery worker finishes when an order stops making progress. */
export const UNFINISHED_STATUSES: readonly OrderStatus[] = [
  'PENDING',
  'RESERVED',
  'CHARGED',
  'COMPENSATING',
];

/** Whether the saga of an order in `status` is over. */
export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
