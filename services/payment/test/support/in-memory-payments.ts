import type { EventEnvelope } from '@rc/contracts';
import type { StatementPart } from '@rc/resilience';
import type { Payment, PaymentStatus } from '../../src/domain/payment';
import type {
  LeasedPayment,
  LeasedRefund,
  NewPayment,
  PaymentReader,
  PaymentTransaction,
  PaymentUnitOfWork,
  ReconciliationQueue,
} from '../../src/domain/payment-store.port';

/** Reconciliation bookkeeping of an AUTHORIZED payment (the columns the domain type omits). */
interface Schedule {
  at: Date | null;
  attempts: number;
}

/** A pending refund row. */
interface PendingRefund {
  attempts: number;
  nextAt: Date;
  lastError: string;
}

/** A settleAuthorized call, with the statement part it carried. */
export interface SettleCall {
  paymentId: string;
  status: PaymentStatus;
  completion: StatementPart | undefined;
}

interface State {
  payments: Map<string, Payment>;
  refunds: Map<string, { id: string; amount: number }>;
  events: EventEnvelope[];
  schedules: Map<string, Schedule>;
  pendingRefunds: Map<string, PendingRefund>;
}

/**
 * In-memory stand-in for the Postgres unit of work and reader, for unit tests of the use cases:
 * the same contract (one live payment per order, one refund per payment, all-or-nothing
 * transactions, events only on commit) with a settable clock.
 */
export class InMemoryPayments implements PaymentUnitOfWork, PaymentReader, ReconciliationQueue {
  now = new Date('2030-01-01T00:00:00Z');
  /** Every settleAuthorized call, with the statement part it carried. */
  readonly settleParts: SettleCall[] = [];
  /** Stale threshold and (fixed) backoff of the reconciliation queue. */
  staleAfterMs = 30_000;
  backoffMs = 5_000;
  private state: State = {
    payments: new Map(),
    refunds: new Map(),
    events: [],
    schedules: new Map(),
    pendingRefunds: new Map(),
  };

  /** The pending refund of a payment, if any. */
  pendingRefundOf(paymentId: string): PendingRefund | undefined {
    return this.state.pendingRefunds.get(paymentId);
  }

  /** When the worker looks at an AUTHORIZED payment next (null: when its claim is stale). */
  reconcileAtOf(paymentId: string): Date | null | undefined {
    return this.state.schedules.get(paymentId)?.at;
  }

  async leaseUnsettled(limit: number): Promise<LeasedPayment[]> {
    const now = this.now.getTime();
    const due = [...this.state.payments.values()]
      .filter((p) => p.status === 'AUTHORIZED')
      .filter((p) => {
        const at = this.state.schedules.get(p.id)?.at;
        return (at ? at.getTime() : p.updatedAt.getTime() + this.staleAfterMs) <= now;
      })
      .slice(0, limit);
    return due.map((p) => {
      const schedule = this.state.schedules.get(p.id) ?? { at: null, attempts: 0 };
      schedule.attempts++;
      schedule.at = new Date(now + this.backoffMs);
      this.state.schedules.set(p.id, schedule);
      return { payment: structuredClone(p), attempt: schedule.attempts };
    });
  }

  async leaseDueRefunds(limit: number): Promise<LeasedRefund[]> {
    const now = this.now.getTime();
    return [...this.state.pendingRefunds.entries()]
      .filter(([, r]) => r.nextAt.getTime() <= now)
      .slice(0, limit)
      .map(([paymentId, r]) => {
        r.attempts++;
        r.nextAt = new Date(now + this.backoffMs);
        return { paymentId, attempt: r.attempts };
      });
  }

  async recordRefundFailure(paymentId: string, errorCode: string): Promise<void> {
    const pending = this.state.pendingRefunds.get(paymentId);
    if (pending) pending.lastError = errorCode;
  }

  get events(): EventEnvelope[] {
    return this.state.events;
  }

  payment(id: string): Payment | undefined {
    return this.state.payments.get(id);
  }

  refundOf(paymentId: string): { id: string; amount: number } | undefined {
    return this.state.refunds.get(paymentId);
  }

  /** Puts a payment in place as if an earlier request had left it there. */
  seed(payment: Payment): void {
    this.state.payments.set(payment.id, structuredClone(payment));
  }

  async run<T>(work: (tx: PaymentTransaction) => Promise<T>): Promise<T> {
    const draft = structuredClone(this.state);
    const result = await work(new InMemoryTransaction(draft, this.now, this.settleParts));
    this.state = draft;
    return result;
  }

  single<T>(work: (tx: PaymentTransaction) => Promise<T>): Promise<T> {
    return this.run(work);
  }

  async findById(paymentId: string): Promise<Payment | undefined> {
    const p = this.state.payments.get(paymentId);
    return p && structuredClone(p);
  }

  async listByOrder(orderId: string): Promise<Payment[]> {
    return [...this.state.payments.values()]
      .filter((p) => p.orderId === orderId)
      .map((p) => structuredClone(p));
  }
}

class InMemoryTransaction implements PaymentTransaction {
  constructor(
    private readonly s: State,
    private readonly now: Date,
    private readonly settleParts: SettleCall[],
  ) {}

  private live(orderId: string): Payment | undefined {
    return [...this.s.payments.values()].find(
      (p) => p.orderId === orderId && p.status !== 'FAILED',
    );
  }

  async claim(payment: NewPayment) {
    if (this.live(payment.orderId)) return undefined;
    const row: Payment = {
      ...payment,
      status: 'AUTHORIZED',
      declineCode: null,
      createdAt: this.now,
      updatedAt: this.now,
    };
    this.s.payments.set(row.id, row);
    return structuredClone(row);
  }

  async lockLiveForOrder(orderId: string) {
    const p = this.live(orderId);
    return p && structuredClone(p);
  }

  async lock(paymentId: string) {
    const p = this.s.payments.get(paymentId);
    return p && structuredClone(p);
  }

  async takeOverStale(paymentId: string, staleAfterMs: number) {
    const p = this.s.payments.get(paymentId);
    if (!p || p.status !== 'AUTHORIZED') return false;
    if (this.now.getTime() - p.updatedAt.getTime() <= staleAfterMs) return false;
    const schedule = this.s.schedules.get(paymentId);
    if (schedule?.at && schedule.at.getTime() > this.now.getTime()) return false;
    if (schedule) schedule.at = null;
    p.updatedAt = this.now;
    return true;
  }

  async markOutcomeUnknown(paymentId: string) {
    if (this.s.payments.get(paymentId)?.status !== 'AUTHORIZED') return;
    const schedule = this.s.schedules.get(paymentId) ?? { at: null, attempts: 0 };
    schedule.at = this.now;
    this.s.schedules.set(paymentId, schedule);
  }

  async addPendingRefund(paymentId: string, lastError: string) {
    if (this.s.pendingRefunds.has(paymentId)) return;
    this.s.pendingRefunds.set(paymentId, { attempts: 0, nextAt: this.now, lastError });
  }

  async clearPendingRefund(paymentId: string) {
    this.s.pendingRefunds.delete(paymentId);
  }

  async settleAuthorized(
    paymentId: string,
    status: Exclude<PaymentStatus, 'AUTHORIZED'>,
    event: EventEnvelope,
    declineCode?: string,
    completion?: StatementPart,
  ) {
    this.settleParts.push({ paymentId, status, completion });
    if (this.s.payments.get(paymentId)?.status !== 'AUTHORIZED') return undefined;
    const updated = await this.setStatus(paymentId, status, declineCode);
    await this.publish(event);
    return updated;
  }

  async setStatus(paymentId: string, status: PaymentStatus, declineCode?: string) {
    const p = this.s.payments.get(paymentId)!;
    if ((status === 'FAILED') !== (declineCode !== undefined))
      throw new Error('decline_code CHECK violated');
    p.status = status;
    p.declineCode = declineCode ?? null;
    p.updatedAt = this.now;
    return structuredClone(p);
  }

  async insertRefund(id: string, paymentId: string, amount: number) {
    if (this.s.refunds.has(paymentId)) throw new Error('refunds_payment_id_key violated');
    this.s.refunds.set(paymentId, { id, amount });
  }

  async publish(event: EventEnvelope) {
    this.s.events.push(event);
  }
}
