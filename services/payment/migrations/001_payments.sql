-- Payments and refunds. Amounts are integer minor units (cents) with an ISO 4217 code. The card
-- token is never stored: only an HMAC of it (token_fingerprint), enough to tell whether a retry
-- uses the same card without being able to recover the token.

CREATE TABLE payments (
  id                uuid        PRIMARY KEY,
  order_id          uuid        NOT NULL,
  amount_minor      bigint      NOT NULL CHECK (amount_minor > 0),
  currency          text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status            text        NOT NULL CHECK (status IN ('AUTHORIZED', 'CAPTURED', 'REFUNDED', 'FAILED')),
  token_fingerprint text        NOT NULL CHECK (token_fingerprint ~ '^[0-9a-f]{64}$'),
  decline_code      text        CHECK (decline_code ~ '^[a-z][a-z0-9_]{0,63}$'),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT payments_decline_code_iff_failed CHECK ((status = 'FAILED') = (decline_code IS NOT NULL))
);
COMMENT ON TABLE payments IS
  'One row per charge attempt. AUTHORIZED = claimed for the order and sent to the provider, '
  'outcome not recorded yet; CAPTURED = money taken; REFUNDED = given back; FAILED = declined or '
  'the provider could not be reached (decline_code says which).';
COMMENT ON COLUMN payments.token_fingerprint IS
  'HMAC-SHA256 (hex) of the card token with a service secret: the token itself is never stored or logged.';
COMMENT ON COLUMN payments.decline_code IS
  'Why a FAILED payment failed: the provider''s decline code (card_declined, invalid_token, ...) '
  'or provider_unavailable. Set exactly when status = FAILED.';

-- The database guards double charges: an order has at most one payment that is not FAILED.
-- A charge first claims this slot (INSERT ... AUTHORIZED) and only then calls the provider, so
-- two concurrent charges for one order can never both reach the provider.
CREATE UNIQUE INDEX payments_one_live_per_order ON payments (order_id) WHERE status <> 'FAILED';
-- GET /v1/payments?orderId= lists every attempt of an order, failed ones included.
CREATE INDEX payments_order_idx ON payments (order_id, created_at);

CREATE TABLE refunds (
  id           uuid        PRIMARY KEY,
  payment_id   uuid        NOT NULL UNIQUE REFERENCES payments (id),
  amount_minor bigint      NOT NULL CHECK (amount_minor > 0),
  created_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE refunds IS
  'Money given back. UNIQUE (payment_id): a payment is refunded at most once, in full (partial '
  'refunds are out of scope), whatever number of retries or concurrent compensations ask for it.';
