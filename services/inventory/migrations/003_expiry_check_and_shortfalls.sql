-- No oversell of a confirmed order (issue 11). A hold past its TTL is no longer given back
-- blindly: the expiry worker first asks checkout what became of the order, and a confirmed
-- order whose units had nevertheless gone back on sale records what it could not get.

ALTER TABLE reservations ADD COLUMN recheck_at timestamptz;
COMMENT ON COLUMN reservations.recheck_at IS
  'When the expiry worker may next ask checkout about this hold (NULL: at expires_at). Set when '
  'a worker claims a due hold, so two replicas do not ask twice, and left in place when the '
  'answer was "not decided yet" or checkout could not be reached: the hold is kept and re-asked '
  'at this time.';

CREATE TABLE stock_shortfalls (
  order_id    uuid        NOT NULL REFERENCES reservations (order_id),
  sku         text        NOT NULL REFERENCES products (sku),
  quantity    integer     NOT NULL CHECK (quantity > 0),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  PRIMARY KEY (order_id, sku)
);
COMMENT ON TABLE stock_shortfalls IS
  'Units a placed (charged, confirmed) order was owed but could not be taken: its reservation '
  'had been released and the units were sold again before OrderPlaced arrived. An operator '
  'acts on each row (restock, back-order or refund) and sets resolved_at. Never written on the '
  'normal path; inventory_oversold_units_total counts the same units.';
CREATE INDEX stock_shortfalls_open_idx ON stock_shortfalls (recorded_at) WHERE resolved_at IS NULL;
