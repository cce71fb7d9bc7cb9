import { randomUUID } from 'node:crypto';
import { CommitReservation } from '../../src/application/commit-reservation.command';
import { ReleaseReservation } from '../../src/application/release-reservation.command';
import { ReserveStock } from '../../src/application/reserve-stock.command';
import {
  InsufficientStockError,
  ReservationNotActiveError,
  UnknownSkuError,
} from '../../src/domain/inventory.errors';
import { migrateInventoryDatabase } from '../../src/infrastructure/inventory.migrations';
import { PgInventoryUnitOfWork } from '../../src/infrastructure/pg-inventory.unit-of-work';
import { addProduct, outboxEvents, stockOf } from '../support/inventory-fixture';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@rc/testing';

describe('reservations against Postgres', () => {
  let db: ThrowawayDatabase;
  let reserve: ReserveStock;
  let commit: CommitReservation;
  let release: ReleaseReservation;

  beforeAll(async () => {
    db = await createThrowawayDatabase('inv_res', 30);
    await migrateInventoryDatabase(db.pool);
    const uow = new PgInventoryUnitOfWork(db.pool);
    reserve = new ReserveStock(uow);
    commit = new CommitReservation(uow);
    release = new ReleaseReservation(uow);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('when 50 orders race for the last 10 units, then exactly 10 get one and stock never goes negative', async () => {
    const sku = await addProduct(db.pool, 10);

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        reserve.execute({ orderId: randomUUID(), items: [{ sku, quantity: 1 }], ttlSeconds: 60 }),
      ),
    );

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(10);
    expect(lost).toHaveLength(40);
    for (const r of lost) expect(r.reason).toBeInstanceOf(InsufficientStockError);
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 10, reserved: 10 });
    const { rows } = await db.pool.query(
      'SELECT count(*)::int AS n FROM reservation_items WHERE sku = $1',
      [sku],
    );
    expect(rows[0].n).toBe(10);
  });

  it('when 50 multi-line orders race over two scarce SKUs, then no line is half-held and no deadlock occurs', async () => {
    const a = await addProduct(db.pool, 7);
    const b = await addProduct(db.pool, 7);

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        reserve.execute({
          orderId: randomUUID(),
          // Lines in both orders on purpose: the use case must lock in one order regardless.
          items:
            i % 2 === 0
              ? [
                  { sku: a, quantity: 1 },
                  { sku: b, quantity: 2 },
                ]
              : [
                  { sku: b, quantity: 2 },
                  { sku: a, quantity: 1 },
                ],
          ttlSeconds: 60,
        }),
      ),
    );

    const won = results.filter((r) => r.status === 'fulfilled').length;
    const reasons: unknown[] = results.flatMap((r) =>
      r.status === 'rejected' ? [r.reason as unknown] : [],
    );
    expect(reasons.every((e) => e instanceof InsufficientStockError)).toBe(true);
    expect(won).toBe(3); // b runs out first: 3 orders × 2 units of 7
    expect(await stockOf(db.pool, a)).toEqual({ onHand: 7, reserved: 3 });
    expect(await stockOf(db.pool, b)).toEqual({ onHand: 7, reserved: 6 });
  });

  it('when the same order is reserved 20 times at once, then stock is held once and one call created it', async () => {
    const sku = await addProduct(db.pool, 100);
    const orderId = randomUUID();

    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        reserve.execute({ orderId, items: [{ sku, quantity: 3 }], ttlSeconds: 60 }),
      ),
    );

    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.reservation.status))).toEqual(new Set(['RESERVED']));
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 100, reserved: 3 });
    expect((await outboxEvents(db.pool, orderId)).map((e) => e.type)).toEqual(['StockReserved']);
  });

  it('when a reserve succeeds, then the reservation and its StockReserved event commit together', async () => {
    const sku = await addProduct(db.pool, 5, 2_490);
    const orderId = randomUUID();

    const { reservation } = await reserve.execute({
      orderId,
      items: [{ sku, quantity: 2 }],
      ttlSeconds: 900,
    });

    expect(reservation.items).toEqual([{ sku, quantity: 2, unitPrice: 2_490, currency: 'EUR' }]);
    const { rows } = await db.pool.query<{ ttl: number }>(
      'SELECT extract(epoch FROM expires_at - created_at)::int AS ttl FROM reservations WHERE order_id = $1',
      [orderId],
    );
    expect(rows[0]!.ttl).toBe(900);
    expect(await outboxEvents(db.pool, orderId)).toEqual([
      { type: 'StockReserved', data: { orderId, items: [{ sku, quantity: 2 }] } },
    ]);
  });

  it('when a three-line reserve succeeds, then it took one round trip to Postgres (no BEGIN/COMMIT)', async () => {
    const skus = [
      await addProduct(db.pool, 5),
      await addProduct(db.pool, 5),
      await addProduct(db.pool, 5),
    ];
    const orderId = randomUUID();
    const query = jest.spyOn(db.pool, 'query');

    try {
      const { created } = await reserve.execute({
        orderId,
        items: skus.map((sku) => ({ sku, quantity: 2 })),
        ttlSeconds: 60,
      });

      expect(created).toBe(true);
      // pool.query borrows a connection for one statement: no transaction block around it.
      expect(query).toHaveBeenCalledTimes(1);
      expect(String(query.mock.calls[0]![0])).toMatch(/^\s*WITH req AS/);
    } finally {
      query.mockRestore();
    }
    for (const sku of skus) expect(await stockOf(db.pool, sku)).toEqual({ onHand: 5, reserved: 2 });
    expect(await outboxEvents(db.pool, orderId)).toHaveLength(1);
  });

  it('when one line of three is short and another unknown, then no line holds a unit and the unknown SKU is named first (404)', async () => {
    const [plenty, scarce] = [await addProduct(db.pool, 5), await addProduct(db.pool, 1)];
    const orderId = randomUUID();

    await expect(
      reserve.execute({
        orderId,
        items: [
          { sku: plenty, quantity: 2 },
          { sku: scarce, quantity: 2 },
          { sku: 'NO-SUCH-SKU-1', quantity: 1 },
        ],
        ttlSeconds: 60,
      }),
    ).rejects.toThrow(UnknownSkuError);
    await expect(
      reserve.execute({
        orderId,
        items: [
          { sku: plenty, quantity: 2 },
          { sku: scarce, quantity: 2 },
        ],
        ttlSeconds: 60,
      }),
    ).rejects.toMatchObject({ skus: [scarce] });

    expect(await stockOf(db.pool, plenty)).toEqual({ onHand: 5, reserved: 0 });
    expect(await stockOf(db.pool, scarce)).toEqual({ onHand: 1, reserved: 0 });
    const { rows } = await db.pool.query('SELECT 1 FROM reservations WHERE order_id = $1', [
      orderId,
    ]);
    expect(rows).toHaveLength(0);
    expect(await outboxEvents(db.pool, orderId)).toEqual([]);
  });

  it('when a reserve fails on stock, then neither a reservation nor an event is left behind', async () => {
    const sku = await addProduct(db.pool, 1);
    const orderId = randomUUID();

    await expect(
      reserve.execute({ orderId, items: [{ sku, quantity: 2 }], ttlSeconds: 60 }),
    ).rejects.toThrow(InsufficientStockError);

    const { rows } = await db.pool.query('SELECT 1 FROM reservations WHERE order_id = $1', [
      orderId,
    ]);
    expect(rows).toHaveLength(0);
    expect(await outboxEvents(db.pool, orderId)).toEqual([]);
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 1, reserved: 0 });
  });

  it('when a reservation is committed twice and released, then units leave once and release is refused', async () => {
    const sku = await addProduct(db.pool, 5);
    const orderId = randomUUID();
    await reserve.execute({ orderId, items: [{ sku, quantity: 2 }], ttlSeconds: 60 });

    await Promise.all([commit.execute(orderId), commit.execute(orderId)]);

    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 3, reserved: 0 });
    await expect(release.execute(orderId)).rejects.toMatchObject({
      code: 'INVENTORY.RESERVATION_COMMITTED',
    });
    expect((await outboxEvents(db.pool, orderId)).map((e) => e.type)).toEqual([
      'StockReserved',
      'StockCommitted',
    ]);
  });

  it('when a reservation is released three times at once, then its units come back exactly once', async () => {
    const sku = await addProduct(db.pool, 5);
    const orderId = randomUUID();
    await reserve.execute({ orderId, items: [{ sku, quantity: 4 }], ttlSeconds: 60 });

    await Promise.all([
      release.execute(orderId),
      release.execute(orderId),
      release.execute(orderId),
    ]);

    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 5, reserved: 0 });
    expect((await outboxEvents(db.pool, orderId)).map((e) => e.type)).toEqual([
      'StockReserved',
      'StockReleased',
    ]);
  });

  it('when release and reserve of one order race, then whichever wins, no units stay held', async () => {
    const sku = await addProduct(db.pool, 1_000);
    const orders = Array.from({ length: 25 }, () => randomUUID());

    const outcomes = await Promise.all(
      orders.map(async (orderId) => {
        const [reserved] = await Promise.allSettled([
          reserve.execute({ orderId, items: [{ sku, quantity: 1 }], ttlSeconds: 60 }),
          release.execute(orderId),
        ]);
        // A reserve that lost to the tombstone is refused; one that won was then released.
        if (reserved.status === 'rejected')
          expect(reserved.reason).toBeInstanceOf(ReservationNotActiveError);
        return reserved.status;
      }),
    );

    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 1_000, reserved: 0 });
    // Every order has one row, released: a reservation that was then released, or the tombstone.
    const { rows } = await db.pool.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM reservations
        WHERE order_id = ANY($1::uuid[]) GROUP BY status`,
      [orders],
    );
    expect(rows).toEqual([{ status: 'RELEASED', n: 25 }]);
    // The database agrees with each answer: a reserve that won held units and gave them back
    // (both events), one that lost to the tombstone wrote nothing.
    for (const [i, orderId] of orders.entries())
      expect((await outboxEvents(db.pool, orderId)).map((e) => e.type)).toEqual(
        outcomes[i] === 'fulfilled' ? ['StockReserved', 'StockReleased'] : [],
      );
  });

  it('when the release tombstone exists, then a late retried reserve holds nothing and answers RELEASED', async () => {
    const sku = await addProduct(db.pool, 5);
    const orderId = randomUUID();
    await release.execute(orderId);

    const late = reserve.execute({ orderId, items: [{ sku, quantity: 1 }], ttlSeconds: 60 });

    await expect(late).rejects.toMatchObject({
      code: 'INVENTORY.RESERVATION_NOT_ACTIVE',
      httpStatus: 409,
      meta: { orderId, reservationStatus: 'RELEASED' },
    });
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 5, reserved: 0 });
    expect(await outboxEvents(db.pool, orderId)).toEqual([]);
  });

  it('when code tries to over-reserve directly, then the CHECK constraints refuse it', async () => {
    const sku = await addProduct(db.pool, 2);

    await expect(
      db.pool.query('UPDATE stock SET reserved = 3 WHERE sku = $1', [sku]),
    ).rejects.toMatchObject({
      code: '23514',
    });
    await expect(
      db.pool.query('UPDATE stock SET on_hand = -1, reserved = 0 WHERE sku = $1', [sku]),
    ).rejects.toMatchObject({
      code: '23514',
    });
  });
});
