import type { ClaimPart, StatementPart } from '@rc/resilience';
import type { EventEnvelope } from '@rc/contracts';
import type { Payment, PaymentStatus } from './payment';

/** A new payment row as the charge claims it. */
export type NewPayment = Pick<
  Payment,
  'id' | 'orderId' | 'amount' | 'currency' | 'tokenFingerprint'
>;

/**
 * The operations a use case performs inside ONE database transaction; state changes and the
 * events describing them (outbox) commit or roll back together.
 */
export interface PaymentTransaction {
  /**
   * Inserts `payment` as AUTHORIZED unless its order already has a live (not FAILED) payment;
   * the partial unique index decides races. Returns the row, or undefined on conflict. `part`,
   * when given, rides on the same statement (the request's `Idempotency-Key` claimed with it).
   */
  claim(payment: NewPayment, part?: ClaimPart): Promise<Payment | undefined>;
  /** The order's live (not FAILED) payment, row-locked. */
  lockLiveForOrder(orderId: string): Promise<Payment | undefined>;
  /** The payment, row-locked. */
  lock(paymentId: string): Promise<Payment | undefined>;
  /**
   * Takes over an AUTHORIZED payment whose claim is older than `staleAfterMs` (its request
   * died between claim and settle) and that the reconciliation worker does not hold: refreshes
   * `updated_at` and returns true, or false when the claim is fresh (its request is still
   * running) or leased by the worker.
   */
  takeOverStale(paymentId: string, staleAfterMs: number): Promise<boolean>;
  /**
   * The provider call of this AUTHORIZED payment ended without a definite answer: schedules it
   * for the reconciliation worker now (it stays AUTHORIZED). No-op when no longer AUTHORIZED.
   */
  markOutcomeUnknown(paymentId: string): Promise<void>;
  /**
   * The provider could not make this payment's refund yet: records it as pending (once; an
   * existing pending refund keeps its schedule) for the worker to retry.
   */
  addPendingRefund(paymentId: string, lastError: string): Promise<void>;
  /** The refund is made: drops the payment's pending refund, if any. */
  clearPendingRefund(paymentId: string): Promise<void>;
  /**
   * AUTHORIZED → `status` (with `declineCode` when FAILED) and `event` in the outbox, as one
   * atomic step guarded by the status it leaves. Returns the updated row, or undefined when the
   * payment was no longer AUTHORIZED (someone else settled it: nothing changed). `completion`,
   * when given, is carried by the same statement (the request's `Idempotency-Key` completed with
   * its answer when, and only when, the payment is settled).
   */
  settleAuthorized(
    paymentId: string,
    status: Exclude<PaymentStatus, 'AUTHORIZED'>,
    event: EventEnvelope,
    declineCode?: string,
    completion?: StatementPart,
  ): Promise<Payment | undefined>;
  /** Moves the payment to `status` (with `declineCode` when FAILED); returns the updated row. */
  setStatus(paymentId: string, status: PaymentStatus, declineCode?: string): Promise<Payment>;
  /** Records a full refund of the payment (at most one per payment). */
  insertRefund(refundId: string, paymentId: string, amount: number): Promise<void>;
  /** Adds an event to the outbox, in this transaction. */
  publish(event: EventEnvelope): Promise<void>;
}

/** Runs work in one transaction: commit when it resolves, roll back when it throws. */
export interface PaymentUnitOfWork {
  run<T>(work: (tx: PaymentTransaction) => Promise<T>): Promise<T>;
  /**
   * Runs work that is ONE operation of {@link PaymentTransaction} (`claim`, `settleAuthorized`),
   * atomic by itself, without an explicit transaction around it: the same effect as `run`,
   * without the BEGIN and COMMIT round trips.
   */
  single<T>(work: (tx: PaymentTransaction) => Promise<T>): Promise<T>;
}

/** An AUTHORIZED payment leased by the reconciliation worker, and how often it was leased. */
export interface LeasedPayment {
  payment: Payment;
  /** 1 on the first look. */
  attempt: number;
}

/** A pending refund leased by the worker, and how often it was leased. */
export interface LeasedRefund {
  paymentId: string;
  /** 1 on the first retry. */
  attempt: number;
}

/**
 * The reconciliation worker's queues. Leasing pushes the item's next look forward by a backoff
 * that grows with its attempts, in the statement that selects it (`FOR UPDATE SKIP LOCKED`):
 * two workers never lease the same item, and one that dies mid-way leaves an item that comes
 * due again after its backoff.
 */
export interface ReconciliationQueue {
  /**
   * Up to `limit` AUTHORIZED payments due for a look: outcome unknown (marked so), or claimed
   * longer ago than the stale threshold and not settled (their request died).
   */
  leaseUnsettled(limit: number): Promise<LeasedPayment[]>;
  /** Up to `limit` pending refunds due for a retry. */
  leaseDueRefunds(limit: number): Promise<LeasedRefund[]>;
  /** Notes why the last retry of a pending refund failed (a stable code, never card data). */
  recordRefundFailure(paymentId: string, errorCode: string): Promise<void>;
}

/** Read-only views. */
export interface PaymentReader {
  findById(paymentId: string): Promise<Payment | undefined>;
  /** Every payment of an order (failed attempts included), oldest first. */
  listByOrder(orderId: string): Promise<Payment[]>;
}
