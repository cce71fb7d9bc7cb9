-- The catalogue and its stock. Prices are integer minor units (cents) with an ISO 4217 code.

CREATE TABLE products (
  sku         text    PRIMARY KEY CHECK (sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  name        text    NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  description text    NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
  price_minor bigint  NOT NULL CHECK (price_minor >= 0),
  currency    text    NOT NULL CHECK (currency ~ '^[A-Z]{3}$')
);
COMMENT ON TABLE products IS
  'What can be sold: the price checkout charges is read from here at reservation time.';
COMMENT ON COLUMN products.price_minor IS
  'Unit price in minor units of currency (integer: no floating-point money).';

CREATE TABLE stock (
  sku      text    PRIMARY KEY REFERENCES products (sku),
  on_hand  integer NOT NULL CHECK (on_hand >= 0),
  reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  CONSTRAINT stock_reserved_within_on_hand CHECK (reserved <= on_hand)
);
COMMENT ON TABLE stock IS
  'Units per SKU. available = on_hand - reserved. Reservations move units into reserved with a '
  'conditional UPDATE (WHERE on_hand - reserved >= q); the CHECKs are the last line of defence: '
  'no code path, however buggy, can make stock negative or over-reserved.';
COMMENT ON COLUMN stock.on_hand IS 'Units physically in the warehouse (leave it when a reservation is committed).';
COMMENT ON COLUMN stock.reserved IS 'Units held for live (RESERVED) reservations, not yet committed.';
