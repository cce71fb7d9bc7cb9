/**
 * Internal signal: a guarded transition found the order no longer in the status this request
 * left it in — the recovery worker or a concurrent retry moved it. The request stops and answers
 * from the order's current state instead. Never reaches the edge.
 */
export class OrderTakenOverError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} was moved by another actor`);
    this.name = 'OrderTakenOverError';
  }
}
