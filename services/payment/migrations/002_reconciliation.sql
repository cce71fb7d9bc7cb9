-- Reconciliation: charges whose outcome is not known and refunds the provider has not made yet.
-- Neither adds work to a successful checkout: the claim INSERT and the settle UPDATE leave these
-- columns at their defaults, and the worker's queries read only partial indexes of rows that
-- need attention (none at rest).

-- reconcile_at: when the reconciliation worker should next ask the provider about this
-- AUTHORIZED payment. NULL while the request that claimed it is (presumably) settling it: the
-- worker then waits until the claim is stale (updated_at older than AUTHORIZATION_STALE_AFTER_MS,
-- its request died). Set to now() when the provider call ended without a definite answer (the
-- charge may have happened), and pushed forward with backoff each time the worker leases it, so
-- the lease doubles as the retry schedule and two workers never ask about it at once.
ALTER TABLE payments ADD COLUMN reconcile_at timestamptz;
-- How many times the worker has leased this payment (its backoff exponent).
ALTER TABLE payments ADD COLUMN reconcile_attempts integer NOT NULL DEFAULT 0
  CHECK (reconcile_attempts >= 0);
COMMENT ON COLUMN payments.reconcile_at IS
  'AUTHORIZED only: when the reconciliation worker asks the provider next (NULL = wait for the claim to be stale).';
-- Only in-flight charges are AUTHORIZED, so this index stays as small as the concurrency.
CREATE INDEX payments_unsettled_idx ON payments (updated_at) WHERE status = 'AUTHORIZED';

-- A refund the provider could not make yet (outage, timeout). The payment stays CAPTURED; the
-- worker retries the provider refund (idempotent per payment there) with backoff until it is
-- made, then records it (refunds row, REFUNDED, PaymentRefunded) and deletes this row in one
-- transaction. next_attempt_at is also the lease of the worker retrying it.
CREATE TABLE pending_refunds (
  payment_id      uuid        PRIMARY KEY REFERENCES payments (id),
  attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text        CHECK (last_error ~ '^[A-Za-z][A-Za-z0-9_.]{0,63}$'),
  created_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE pending_refunds IS
  'Refunds asked for but not yet made at the provider; retried by the worker until done. Never holds card data.';
CREATE INDEX pending_refunds_due_idx ON pending_refunds (next_attempt_at);
