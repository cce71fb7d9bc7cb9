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
   * the partial unique index decides races. Returns the row, or undefined on conflict.
   */
  claim(payment: NewPayment): Promise<Payment | undefined>;
  /** The order's live (not FAILED) payment, row-locked. */
  lockLiveForOrder(orderId: string): Promise<Payment | undefined>;
  /** The payment, row-locked. */
  lock(paymentId: string): Promise<Payment | undefined>;
  /**
   * Takes over an AUTHORIZED payment whose claim is older than `staleAfterMs` (its request
   * died between claim and settle): refreshes `updated_at` and returns true, or false when the
   * claim is fresh (its request is still running).
   */
  takeOverStale(paymentId: string, staleAfterMs: number): Promise<boolean>;
  /**
   * AUTHORIZED → `status` (with `declineCode` when FAILED) and `event` in the outbox, as one
   * atomic step guarded by the status it leaves. Returns the updated row, or undefined when the
   * payment was no longer AUTHORIZED (someone else settled it: nothing changed).
   */
  settleAuthorized(
    paymentId: string,
    status: Exclude<PaymentStatus, 'AUTHORIZED'>,
    event: EventEnvelope,
    declineCode?: string,
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

/** Read-only views. */
export interface PaymentReader {
  findById(paymentId: string): Promise<Payment | undefined>;
  /** Every payment of an order (failed attempts included), oldest first. */
  listByOrder(orderId: string): Promise<Payment[]>;
}
