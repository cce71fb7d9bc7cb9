import { createThrowawayDatabase, metricValue, type ThrowawayDatabase } from '@rc/testing';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { CommitReservation } from '../../src/application/commit-reservation.command';
import { ExpireReservations } from '../../src/application/expire-reservations.command';
import { ReserveStock } from '../../src/application/reserve-stock.command';
import {
  CheckoutOrdersHttpAdapter,
  checkoutPolicyRegistry,
} from '../../src/infrastructure/checkout-orders.http-adapter';
import { ExpiryWorker } from '../../src/infrastructure/expiry.worker';
import { migrateInventoryDatabase } from '../../src/infrastructure/inventory.migrations';
import { PgInventoryReader } from '../../src/infrastructure/pg-inventory.reader';
import { PgInventoryUnitOfWork } from '../../src/infrastructure/pg-inventory.unit-of-work';
import { CheckoutStandIn } from '../support/checkout-stand-in';
import { addProduct, backdateExpiry, outboxEvents, stockOf } from '../support/inventory-fixture';

/**
 * Expiry against the real Postgres, asking a real HTTP server that stands in for checkout's
 * order read (`GET /v1/orders/:orderId`, checkout's answer shapes) through the real adapter and
 * its `checkout` resilience policy. Orders the stand-in does not list are unknown (404).
 */
describe('reservation expiry against Postgres and checkout', () => {
  let db: ThrowawayDatabase;
  let uow: PgInventoryUnitOfWork;
  let reserve: ReserveStock;
  const checkout = new CheckoutStandIn();

  beforeAll(async () => {
    db = await createThrowawayDatabase('inv_exp');
    await migrateInventoryDatabase(db.pool);
    uow = new PgInventoryUnitOfWork(db.pool);
    reserve = new ReserveStock(uow);
    await checkout.start();
  });

  afterAll(async () => {
    await checkout.stop();
    await db?.drop();
  });

  function expireReservations(options: { recheckAfterMs?: number; registry?: Registry } = {}) {
    const orders = new CheckoutOrdersHttpAdapter({
      baseUrl: checkout.url,
      // One attempt and a short timeout: an unreachable checkout answers fast in tests.
      policies: checkoutPolicyRegistry(
        { attemptTimeoutMs: 500, retry: { maxAttempts: 1 } },
        options.registry ?? new Registry(),
      ),
    });
    return new ExpireReservations(new PgInventoryUnitOfWork(db.pool), orders, {
      recheckAfterMs: options.recheckAfterMs ?? 60_000,
    });
  }

  function worker(
    options: { recheckAfterMs?: number; intervalMs?: number; batchSize?: number } = {},
  ) {
    const registry = new Registry();
    const reader = new PgInventoryReader(db.pool);
    const sweeper = new ExpiryWorker(expireReservations({ ...options, registry }), {
      intervalMs: options.intervalMs ?? 60_000,
      batchSize: options.batchSize ?? 10,
      heldPastExpiry: () => reader.countHeldPastExpiry(),
      registry,
    });
    return { sweeper, registry };
  }

  async function dueReservations(sku: string, count: number, quantity = 1): Promise<string[]> {
    const orders = Array.from({ length: count }, () => randomUUID());
    for (const orderId of orders) {
      await reserve.execute({ orderId, items: [{ sku, quantity }], ttlSeconds: 600 });
      await backdateExpiry(db.pool, orderId);
    }
    return orders;
  }

  async function statusOf(orderId: string): Promise<string> {
    const { rows } = await db.pool.query<{ status: string }>(
      'SELECT status FROM reservations WHERE order_id = $1',
      [orderId],
    );
    return rows[0]!.status;
  }

  it('when a hold runs past its expiry and checkout does not know the order, then the worker expires it, gives the units back and records StockReleased', async () => {
    const sku = await addProduct(db.pool, 10);
    const [due] = await dueReservations(sku, 1, 3);
    const live = randomUUID();
    await reserve.execute({ orderId: live, items: [{ sku, quantity: 2 }], ttlSeconds: 600 });

    const result = await worker().sweeper.sweep();

    expect(result).toMatchObject({ claimed: 1, expired: 1 });
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 10, reserved: 2 });
    expect(await statusOf(due!)).toBe('EXPIRED');
    expect(await statusOf(live)).toBe('RESERVED');
    expect(checkout.requests.get(live)).toBeUndefined();
    expect((await outboxEvents(db.pool, due!)).map((e) => e.type)).toEqual([
      'StockReserved',
      'StockReleased',
    ]);
  });

  it('when the order of a hold past its TTL is CONFIRMED at checkout, then the hold is committed, not released', async () => {
    // Arrange: OrderPlaced has not arrived (Kafka down or lagging) and the hold ran out
    const sku = await addProduct(db.pool, 10);
    const [orderId] = await dueReservations(sku, 1, 4);
    checkout.orders.set(orderId!, 'CONFIRMED');
    const { sweeper, registry } = worker();

    // Act
    const result = await sweeper.sweep();

    // Assert: the units left stock for good; nothing went back on sale
    expect(result).toMatchObject({ claimed: 1, committed: 1, expired: 0 });
    expect(await statusOf(orderId!)).toBe('COMMITTED');
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 6, reserved: 0 });
    expect((await outboxEvents(db.pool, orderId!)).map((e) => e.type)).toEqual([
      'StockReserved',
      'StockCommitted',
    ]);
    expect(await metricValue(registry, 'inventory_reservations_committed_on_expiry_total')).toBe(1);
    expect(
      await metricValue(registry, 'inventory_expiry_order_checks_total', { answer: 'CONFIRMED' }),
    ).toBe(1);
  });

  it('when the order of a hold past its TTL FAILED at checkout, then the hold is released', async () => {
    const sku = await addProduct(db.pool, 10);
    const [orderId] = await dueReservations(sku, 1, 4);
    checkout.orders.set(orderId!, 'FAILED');

    const result = await worker().sweeper.sweep();

    expect(result).toMatchObject({ committed: 0, expired: 1 });
    expect(await statusOf(orderId!)).toBe('EXPIRED');
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 10, reserved: 0 });
  });

  it('when checkout is unreachable, then the hold is kept, counted as held past its TTL, and settled once checkout answers', async () => {
    // Arrange
    const sku = await addProduct(db.pool, 10);
    const [orderId] = await dueReservations(sku, 1, 2);
    checkout.orders.set(orderId!, 'CONFIRMED');
    const { sweeper, registry } = worker({ recheckAfterMs: 300 });
    await checkout.stop();

    // Act: checkout down
    let result;
    try {
      result = await sweeper.sweep();
    } finally {
      await checkout.start();
    }

    // Assert: still held, visibly
    expect(result).toMatchObject({ claimed: 1, held: 1, expired: 0, committed: 0 });
    expect(await statusOf(orderId!)).toBe('RESERVED');
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 10, reserved: 2 });
    expect(
      await metricValue(registry, 'inventory_reservations_held_past_ttl'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await metricValue(registry, 'inventory_expiry_order_checks_total', { answer: 'UNAVAILABLE' }),
    ).toBe(1);
    // Not asked again before its re-check time ...
    expect((await sweeper.sweep()).claimed).toBe(0);
    // ... and committed once checkout answers after it.
    await new Promise((r) => setTimeout(r, 400));
    expect(await sweeper.sweep()).toMatchObject({ claimed: 1, committed: 1 });
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 8, reserved: 0 });
    expect(await metricValue(registry, 'inventory_reservations_held_past_ttl')).toBe(0);
  });

  it('when the order is still in progress at checkout (CHARGED), then the hold is kept', async () => {
    const sku = await addProduct(db.pool, 10);
    const [orderId] = await dueReservations(sku, 1, 1);
    checkout.orders.set(orderId!, 'CHARGED');

    expect(await worker().sweeper.sweep()).toMatchObject({ held: 1 });

    expect(await statusOf(orderId!)).toBe('RESERVED');
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 10, reserved: 1 });
  });

  it('when two replicas sweep 40 due reservations at once, then each is asked about and expires exactly once', async () => {
    const sku = await addProduct(db.pool, 40);
    const orders = await dueReservations(sku, 40);
    const sweepers = [0, 1].map(() => worker({ batchSize: 7 }).sweeper);

    const results = await Promise.all(sweepers.map((w) => w.sweep()));

    expect(results[0]!.expired + results[1]!.expired).toBe(40);
    expect(orders.map((o) => checkout.requests.get(o))).toEqual(orders.map(() => 1));
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 40, reserved: 0 });
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE type = 'StockReleased' AND key = ANY($1::text[])`,
      [orders],
    );
    expect(rows[0]!.n).toBe(40);
  });

  it('when a commit and the expiry race for one due reservation, then exactly one of them wins', async () => {
    const sku = await addProduct(db.pool, 100);
    const orders = await dueReservations(sku, 20);
    const commit = new CommitReservation(uow);
    const expire = expireReservations();

    const commits = await Promise.allSettled([
      ...orders.map((orderId) => commit.execute(orderId)),
      expire.execute(100),
    ]);

    const committed = commits.slice(0, 20).filter((r) => r.status === 'fulfilled').length;
    const refused = commits.slice(0, 20).filter((r) => r.status === 'rejected');
    for (const r of refused) {
      expect(r.reason).toMatchObject({ code: 'INVENTORY.RESERVATION_NOT_ACTIVE' });
    }
    expect(commits[20]!.status).toBe('fulfilled');
    // Every committed unit left stock; every expired one came back; none is still held.
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 100 - committed, reserved: 0 });
  });

  it('when the worker is started, then it sweeps on its interval until stopped', async () => {
    const sku = await addProduct(db.pool, 5);
    const [orderId] = await dueReservations(sku, 1);
    const { sweeper } = worker({ intervalMs: 50 });

    sweeper.start();
    const deadline = Date.now() + 5_000;
    while ((await stockOf(db.pool, sku)).reserved > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    await sweeper.stop();

    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 5, reserved: 0 });
    expect(await statusOf(orderId!)).toBe('EXPIRED');
  });
});
