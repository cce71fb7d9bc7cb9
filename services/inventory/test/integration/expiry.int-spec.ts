import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { CommitReservation } from '../../src/application/commit-reservation.command';
import { ExpireReservations } from '../../src/application/expire-reservations.command';
import { ReserveStock } from '../../src/application/reserve-stock.command';
import { ExpiryWorker } from '../../src/infrastructure/expiry.worker';
import { migrateInventoryDatabase } from '../../src/infrastructure/inventory.migrations';
import { PgInventoryUnitOfWork } from '../../src/infrastructure/pg-inventory.unit-of-work';
import { addProduct, backdateExpiry, outboxEvents, stockOf } from '../support/inventory-fixture';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@rc/testing';

describe('reservation expiry against Postgres', () => {
  let db: ThrowawayDatabase;
  let uow: PgInventoryUnitOfWork;
  let reserve: ReserveStock;

  beforeAll(async () => {
    db = await createThrowawayDatabase('inv_exp');
    await migrateInventoryDatabase(db.pool);
    uow = new PgInventoryUnitOfWork(db.pool);
    reserve = new ReserveStock(uow);
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function dueReservations(sku: string, count: number, quantity = 1): Promise<string[]> {
    const orders = Array.from({ length: count }, () => randomUUID());
    for (const orderId of orders) {
      await reserve.execute({ orderId, items: [{ sku, quantity }], ttlSeconds: 600 });
      await backdateExpiry(db.pool, orderId);
    }
    return orders;
  }

  it('when a reservation runs past its expiry, then the worker expires it, gives the units back and records StockReleased', async () => {
    const sku = await addProduct(db.pool, 10);
    const [due] = await dueReservations(sku, 1, 3);
    const live = randomUUID();
    await reserve.execute({ orderId: live, items: [{ sku, quantity: 2 }], ttlSeconds: 600 });
    const worker = new ExpiryWorker(new ExpireReservations(uow), {
      intervalMs: 60_000,
      batchSize: 10,
      registry: new Registry(),
    });

    const expired = await worker.sweep();

    expect(expired).toBe(1);
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 10, reserved: 2 });
    const { rows } = await db.pool.query<{ order_id: string; status: string }>(
      'SELECT order_id, status FROM reservations WHERE order_id = ANY($1::uuid[]) ORDER BY status',
      [[due, live]],
    );
    expect(rows).toEqual([
      { order_id: due, status: 'EXPIRED' },
      { order_id: live, status: 'RESERVED' },
    ]);
    expect((await outboxEvents(db.pool, due!)).map((e) => e.type)).toEqual([
      'StockReserved',
      'StockReleased',
    ]);
  });

  it('when two replicas sweep 40 due reservations at once, then each expires exactly once', async () => {
    const sku = await addProduct(db.pool, 40);
    const orders = await dueReservations(sku, 40);
    const sweepers = [0, 1].map(
      () =>
        new ExpiryWorker(new ExpireReservations(new PgInventoryUnitOfWork(db.pool)), {
          intervalMs: 60_000,
          batchSize: 7,
          registry: new Registry(),
        }),
    );

    const counts = await Promise.all(sweepers.map((w) => w.sweep()));

    expect(counts[0]! + counts[1]!).toBe(40);
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
    const expire = new ExpireReservations(uow);

    const commits = await Promise.allSettled([
      ...orders.map((orderId) => commit.execute(orderId)),
      expire.execute(100),
    ]);

    const committed = commits.slice(0, 20).filter((r) => r.status === 'fulfilled').length;
    const refused = commits.slice(0, 20).filter((r) => r.status === 'rejected');
    for (const r of refused) {
      expect(r.reason).toMatchObject({
        code: 'INVENTORY.RESERVATION_NOT_ACTIVE',
      });
    }
    // Every committed unit left stock; every expired one came back; none is still held.
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 100 - committed, reserved: 0 });
  });

  it('when the worker is started, then it sweeps on its interval until stopped', async () => {
    const sku = await addProduct(db.pool, 5);
    const [orderId] = await dueReservations(sku, 1);
    const worker = new ExpiryWorker(new ExpireReservations(uow), {
      intervalMs: 50,
      batchSize: 10,
      registry: new Registry(),
    });

    worker.start();
    const deadline = Date.now() + 5_000;
    while ((await stockOf(db.pool, sku)).reserved > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    await worker.stop();

    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 5, reserved: 0 });
    const { rows } = await db.pool.query('SELECT status FROM reservations WHERE order_id = $1', [
      orderId,
    ]);
    expect(rows[0].status).toBe('EXPIRED');
  });
});
