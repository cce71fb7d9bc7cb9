-- Orders and their checkout saga state. Owned by the checkout service (database rc_checkout).

-- One row per checkout attempt that got past pricing. The id is UUIDv5(customerId:Idempotency-Key),
-- so a client retry lands on this row instead of creating a second order; the primary key, not a
-- check-then-insert, decides a race between two attempts.
CREATE TABLE orders (
  id           uuid        PRIMARY KEY,
  customer_id  text        NOT NULL CHECK (char_length(customer_id) BETWEEN 1 AND 128),
  status       text        NOT NULL CHECK (status IN
                 ('PENDING', 'RESERVED', 'CHARGED', 'CONFIRMED', 'COMPENSATING', 'FAILED')),
  total_minor  bigint      NOT NULL CHECK (total_minor >= 0),
  currency     text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  payment_id   text        CHECK (char_length(payment_id) BETWEEN 1 AND 128),
  failure_code text        CHECK (failure_code ~ '^[A-Z][A-Z0-9_]*(\.[A-Z][A-Z0-9_]*)*$'),
  degraded     text[]      NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  -- A charged or confirmed order knows its payment; a failed one knows why it failed.
  CONSTRAINT orders_payment_known CHECK (status NOT IN ('CHARGED', 'CONFIRMED') OR payment_id IS NOT NULL),
  CONSTRAINT orders_failure_known CHECK (status NOT IN ('COMPENSATING', 'FAILED') OR failure_code IS NOT NULL)
);
COMMENT ON TABLE orders IS 'Checkout orders; status is the saga recovery point the recovery worker resumes from';
COMMENT ON COLUMN orders.id IS 'UUIDv5 of customer id and Idempotency-Key: a retried checkout finds the same order';
COMMENT ON COLUMN orders.customer_id IS 'Who ordered; also the idempotency scope of POST /v1/checkout';
COMMENT ON COLUMN orders.status IS 'PENDING → RESERVED → CHARGED → CONFIRMED, or → COMPENSATING → FAILED';
COMMENT ON COLUMN orders.total_minor IS 'Sum of quantity × unit price, in minor units of currency; the amount charged';
COMMENT ON COLUMN orders.currency IS 'ISO 4217 code of every price of the order';
COMMENT ON COLUMN orders.payment_id IS 'The captured payment (payment service id), once CHARGED';
COMMENT ON COLUMN orders.failure_code IS 'Stable code of why the order failed (or is being compensated), e.g. CHECKOUT.OUT_OF_STOCK';
COMMENT ON COLUMN orders.degraded IS 'Fallbacks used to create the order (cart: lines came from the request body)';
COMMENT ON COLUMN orders.updated_at IS 'Last saga progress; the recovery worker takes over orders untouched for too long';

-- The recovery worker scans unfinished orders by age; finished ones (the vast majority) stay out
-- of the index.
CREATE INDEX orders_unfinished_idx ON orders (updated_at)
  WHERE status IN ('PENDING', 'RESERVED', 'CHARGED', 'COMPENSATING');

-- The lines of an order, priced from the inventory catalogue when the order was created: the
-- customer pays these prices even if the catalogue changes during the saga.
CREATE TABLE order_items (
  order_id         uuid    NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  sku              text    NOT NULL CHECK (sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  quantity         integer NOT NULL CHECK (quantity > 0),
  unit_price_minor bigint  NOT NULL CHECK (unit_price_minor >= 0),
  PRIMARY KEY (order_id, sku)
);
COMMENT ON TABLE order_items IS 'Order lines, one per SKU, priced at checkout time';
COMMENT ON COLUMN order_items.unit_price_minor IS 'Price of one unit in minor units of the order currency';
