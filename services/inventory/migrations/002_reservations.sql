-- Reservations: units held for one order until it is placed (COMMITTED), fails (RELEASED) or
-- the hold runs out (EXPIRED). One row per order: order_id is the natural idempotency key.

CREATE TABLE reservations (
  order_id   uuid        PRIMARY KEY,
  status     text        NOT NULL CHECK (status IN ('RESERVED', 'COMMITTED', 'RELEASED', 'EXPIRED')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE reservations IS
  'One reservation per order. The primary key makes a second reserve for the same order find the '
  'first instead of holding stock twice. A RELEASED row without items is a tombstone: a release '
  'that arrived before its reserve, so a late, retried reserve for that order holds nothing.';
COMMENT ON COLUMN reservations.expires_at IS
  'Database time after which a RESERVED hold is given back by the expiry worker (EXPIRED).';

-- The expiry worker looks for live holds past their deadline, oldest first.
CREATE INDEX reservations_expiry_idx ON reservations (expires_at) WHERE status = 'RESERVED';

CREATE TABLE reservation_items (
  order_id         uuid    NOT NULL REFERENCES reservations (order_id),
  sku              text    NOT NULL REFERENCES products (sku),
  quantity         integer NOT NULL CHECK (quantity > 0),
  unit_price_minor bigint  NOT NULL CHECK (unit_price_minor >= 0),
  currency         text    NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  PRIMARY KEY (order_id, sku)
);
COMMENT ON TABLE reservation_items IS
  'The units of each SKU a reservation holds, with the unit price (and its currency) at '
  'reservation time: the price checkout charges cannot change under an order in flight.';
