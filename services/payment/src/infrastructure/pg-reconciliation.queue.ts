import type { Pool } from 'pg';
import type {
  LeasedPayment,
  LeasedRefund,
  ReconciliationQueue,
} from '../domain/payment-store.port';
import { PAYMENT_COLUMNS, type PaymentRow, toPayment } from './payment.rows';

/** Timing of {@link PgReconciliationQueue}. */
export interface ReconciliationTiming {
  /** An AUTHORIZED payment untouched for this long has lost its request (AUTHORIZATION_STALE_AFTER_MS). */
  staleAfterMs: number;
  /** First backoff after a lease; doubles per attempt. Must exceed one provider call. */
  backoffBaseMs: number;
  /** Longest backoff. */
  backoffMaxMs: number;
}

/**
 * ONE statement that leases up to `$limit` due rows of `table`: it picks them in `order` (skipping
 * rows another worker holds), counts the attempt and pushes the next look forward by a growing
 * backoff — base·2^attempts capped at max, with jitter in [0.8, 1] so rows leased together
 * spread out, never below 0.8·base so the lease outlives the provider call it covers. `due`,
 * `order` and `returning` are SQL over the table's columns (`returning` through alias `r`);
 * `$base` and `$max` are the parameters holding the backoff milliseconds.
 */
function leaseSql(lease: {
  table: string;
  key: string;
  due: string;
  order: string;
  limit: string;
  attempts: string;
  nextAt: string;
  base: string;
  max: string;
  returning: string;
}): string {
  const { table, key, attempts, base, max } = lease;
  const backoffSecs = `LEAST(${max}::float8, ${base}::float8 * power(2, LEAST(r.${attempts}, 20))) * (0.8 + random() * 0.2) / 1000`;
  return `WITH due AS (
       SELECT ${key} FROM ${table}
       WHERE ${lease.due}
       ORDER BY ${lease.order}
       LIMIT ${lease.limit}
       FOR UPDATE SKIP LOCKED
     )
     UPDATE ${table} r
     SET ${attempts} = r.${attempts} + 1,
         ${lease.nextAt} = now() + make_interval(secs => ${backoffSecs})
     FROM due WHERE r.${key} = due.${key}
     RETURNING ${lease.returning}`;
}

/** Leases AUTHORIZED payments whose outcome is due a look ($1 stale-after ms, $2 limit). */
const LEASE_UNSETTLED_SQL = leaseSql({
  table: 'payments',
  key: 'id',
  due: `status = 'AUTHORIZED'
         AND COALESCE(reconcile_at, updated_at + make_interval(secs => $1::float8 / 1000)) <= now()`,
  order: 'updated_at',
  limit: '$2',
  attempts: 'reconcile_attempts',
  nextAt: 'reconcile_at',
  base: '$3',
  max: '$4',
  returning: `${prefixed('r', PAYMENT_COLUMNS)}, r.reconcile_attempts`,
});

/** Leases pending refunds due another attempt ($1 limit). */
const LEASE_DUE_REFUNDS_SQL = leaseSql({
  table: 'pending_refunds',
  key: 'payment_id',
  due: 'next_attempt_at <= now()',
  order: 'next_attempt_at',
  limit: '$1',
  attempts: 'attempts',
  nextAt: 'next_attempt_at',
  base: '$2',
  max: '$3',
  returning: 'r.payment_id, r.attempts',
});

/**
 * {@link ReconciliationQueue} on Postgres: each lease is ONE statement on a partial index of the
 * rows needing attention (AUTHORIZED payments; pending refunds), so an idle service pays one
 * cheap indexed query per queue and interval.
 */
export class PgReconciliationQueue implements ReconciliationQueue {
  constructor(
    private readonly pool: Pool,
    private readonly timing: ReconciliationTiming,
  ) {}

  async leaseUnsettled(limit: number): Promise<LeasedPayment[]> {
    const { rows } = await this.pool.query<PaymentRow & { reconcile_attempts: number }>(
      LEASE_UNSETTLED_SQL,
      [this.timing.staleAfterMs, limit, this.timing.backoffBaseMs, this.timing.backoffMaxMs],
    );
    return rows.map((row) => ({ payment: toPayment(row), attempt: row.reconcile_attempts }));
  }

  async leaseDueRefunds(limit: number): Promise<LeasedRefund[]> {
    const { rows } = await this.pool.query<{ payment_id: string; attempts: number }>(
      LEASE_DUE_REFUNDS_SQL,
      [limit, this.timing.backoffBaseMs, this.timing.backoffMaxMs],
    );
    return rows.map((row) => ({ paymentId: row.payment_id, attempt: row.attempts }));
  }

  async recordRefundFailure(paymentId: string, errorCode: string): Promise<void> {
    await this.pool.query('UPDATE pending_refunds SET last_error = $2 WHERE payment_id = $1', [
      paymentId,
      errorCode,
    ]);
  }
}

/** `a, b` → `p.a, p.b` (the UPDATE … FROM joins a CTE with its own `id`). */
function prefixed(alias: string, columns: string): string {
  return columns
    .split(',')
    .map((c) => `${alias}.${c.trim()}`)
    .join(', ');
}
