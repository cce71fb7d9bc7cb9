-- Aggregates analytics keeps from the platform's event streams. Every row is only ever changed
-- inside the consumer's inbox transaction (messaging lib), so each event is counted exactly
-- once however often Kafka delivers it. Amounts are integer minor units; currencies ISO 4217.

-- How many events of each type were consumed: orders placed/failed, payments
-- captured/refunded/failed, stock movements, cart changes.
CREATE TABLE event_counts (
  event_type  text PRIMARY KEY CHECK (event_type ~ '^[A-Z][A-Za-z0-9]*$'),
  count       bigint NOT NULL CHECK (count >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE event_counts IS 'Events consumed, per event type';
COMMENT ON COLUMN event_counts.count IS 'Events of this type applied so far (each event once)';
COMMENT ON COLUMN event_counts.updated_at IS 'When the last event of this type was applied';

-- Revenue: the sum of OrderPlaced totals, per currency (amounts in different currencies are
-- never added together).
CREATE TABLE revenue (
  currency      text PRIMARY KEY CHECK (currency ~ '^[A-Z]{3}$'),
  amount_minor  bigint NOT NULL CHECK (amount_minor >= 0),
  orders        bigint NOT NULL CHECK (orders >= 0),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE revenue IS 'Sum of OrderPlaced totals per currency';
COMMENT ON COLUMN revenue.amount_minor IS 'Total in minor units of currency';
COMMENT ON COLUMN revenue.orders IS 'Placed orders that contributed';

-- Units sold and revenue per product, per currency, from OrderPlaced lines.
CREATE TABLE product_sales (
  sku            text NOT NULL CHECK (sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  currency       text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  units          bigint NOT NULL CHECK (units >= 0),
  revenue_minor  bigint NOT NULL CHECK (revenue_minor >= 0),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sku, currency)
);
COMMENT ON TABLE product_sales IS 'Units and revenue per product and currency, from placed orders';
COMMENT ON COLUMN product_sales.units IS 'Units sold in placed orders';
COMMENT ON COLUMN product_sales.revenue_minor IS 'quantity × unit price summed, minor units of currency';
-- The summary's top products: highest units first within a currency.
CREATE INDEX product_sales_top_idx ON product_sales (currency, units DESC, sku);

-- Interest before purchase: units added to carts per product (CartItemAdded).
CREATE TABLE cart_adds (
  sku         text PRIMARY KEY CHECK (sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  adds        bigint NOT NULL CHECK (adds >= 0),
  units       bigint NOT NULL CHECK (units >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE cart_adds IS 'Cart additions per product (best-effort stream: a lower bound)';
COMMENT ON COLUMN cart_adds.adds IS 'CartItemAdded events for this product';
COMMENT ON COLUMN cart_adds.units IS 'Units those events added';
