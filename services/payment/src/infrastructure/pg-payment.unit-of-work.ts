import { withTransaction } from '@rc/platform';
import type { Pool } from 'pg';
import type { PaymentTransaction, PaymentUnitOfWork } from '../domain/payment-store.port';
import { type EventRouting, PgPaymentTransaction } from './pg-payment.transaction';

/** Each `run` is one Postgres transaction on a pooled connection. */
export class PgPaymentUnitOfWork implements PaymentUnitOfWork {
  constructor(
    private readonly pool: Pool,
    private readonly routing: EventRouting = {},
  ) {}

  run<T>(work: (tx: PaymentTransaction) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, (client) =>
      work(new PgPaymentTransaction(client, this.routing)),
    );
  }

  single<T>(work: (tx: PaymentTransaction) => Promise<T>): Promise<T> {
    // Each statement through the pool is its own implicit transaction.
    return work(new PgPaymentTransaction(this.pool, this.routing));
  }
}
