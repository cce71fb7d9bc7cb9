/**
 * What checkout says became of an order, as the expiry worker needs it:
 * - `CONFIRMED`: placed (charged); its units must leave stock, never go back on sale;
 * - `FAILED`: the saga gave up (terminal); its units may go back;
 * - `NOT_FOUND`: checkout has no such order (a reservation made by another caller);
 * - `IN_PROGRESS`: the saga is still running or compensating — it may yet confirm;
 * - `UNAVAILABLE`: no trustworthy answer (checkout down, slow, shedding, a malformed reply).
 */
export type OrderOutcome = 'CONFIRMED' | 'FAILED' | 'NOT_FOUND' | 'IN_PROGRESS' | 'UNAVAILABLE';

/** Every {@link OrderOutcome}, e.g. to pre-create metric series. */
export const ORDER_OUTCOMES: readonly OrderOutcome[] = [
  'CONFIRMED',
  'FAILED',
  'NOT_FOUND',
  'IN_PROGRESS',
  'UNAVAILABLE',
];

/** The order's state at checkout (one HTTP read). Never throws: trouble is `UNAVAILABLE`. */
export interface OrderStatusPort {
  outcomeOf(orderId: string): Promise<OrderOutcome>;
}
