-- The saga stores a capture with the confirm (one statement: payment_id, CONFIRMED, OrderPlaced);
-- nothing writes CHARGED any more, but rows an earlier version left CHARGED are still recovered
-- forward. The column comments say so.
COMMENT ON COLUMN orders.status IS 'PENDING → RESERVED → CONFIRMED, or → COMPENSATING → FAILED; CHARGED only on orders an earlier version left between charge and confirm (recovered forward)';
COMMENT ON COLUMN orders.payment_id IS 'The captured payment (payment service id), stored with CONFIRMED (or CHARGED by an earlier version)';
