import { createThrowawayDatabase, type ThrowawayDatabase, uniqueName } from '@rc/testing';
import { randomUUID } from 'node:crypto';
import { escapeLiteral } from 'pg';
import { CommitPlacedOrder } from '../../src/application/commit-placed-order.command';
import { ReleaseReservation } from '../../src/application/release-reservation.command';
import { ReserveStock } from '../../src/application/reserve-stock.command';
import { migrateInventoryDatabase } from '../../src/infrastructure/inventory.migrations';
import { COMMIT_HELD_SQL } from '../../src/infrastructure/pg-inventory.commit-placed';
import { PgInventoryUnitOfWork } from '../../src/infrastructure/pg-inventory.unit-of-work';
import { addProduct, outboxEvents, stockOf } from '../support/inventory-fixture';

/**
 * `CommitPlacedOrder.commitHeldOnce`: common `OrderPlaced` events (new, each hold RESERVED
 * with exactly its order's lines) in one statement; every other case writes nothing and is left
 * to the general path.
 */
describe('OrderPlaced committed in one statement, against Postgres', () => {
  let db: ThrowawayDatabase;
  let uow: PgInventoryUnitOfWork;
  let reserve: ReserveStock;
  let placed: CommitPlacedOrder;
  let release: ReleaseReservation;
  const group = uniqueName('inventory');

  beforeAll(async () => {
    db = await createThrowawayDatabase('inv_once', 10);
    await migrateInventoryDatabase(db.pool);
    uow = new PgInventoryUnitOfWork(db.pool);
    reserve = new ReserveStock(uow);
    placed = new CommitPlacedOrder(uow);
    release = new ReleaseReservation(uow);
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function reservedOrder(lines: { sku: string; quantity: number }[]): Promise<string> {
    const orderId = randomUUID();
    await reserve.execute({ orderId, items: lines, ttlSeconds: 600 });
    return orderId;
  }

  /** commitHeldOnce for one order: its settlement, or undefined when it was not applied. */
  async function commitOne(
    eventId: string,
    orderId: string,
    lines: { sku: string; quantity: number }[],
  ) {
    const done = await placed.commitHeldOnce(group, [{ eventId, orderId, lines }], uow);
    return done.get(eventId);
  }

  async function inboxHas(eventId: string): Promise<boolean> {
    const { rows } = await db.pool.query(
      'SELECT 1 FROM inbox WHERE consumer_group = $1 AND event_id = $2',
      [group, eventId],
    );
    return rows.length === 1;
  }

  async function statusOf(orderId: string): Promise<string> {
    const { rows } = await db.pool.query<{ status: string }>(
      'SELECT status FROM reservations WHERE order_id = $1',
      [orderId],
    );
    return rows[0]!.status;
  }

  it('when a new OrderPlaced matches its RESERVED hold, then stock, status, event and inbox commit in one round trip', async () => {
    // Arrange: two lines, given in the event unsorted and with one SKU split over two lines
    const [a, b] = [await addProduct(db.pool, 10), await addProduct(db.pool, 10)];
    const orderId = await reservedOrder([
      { sku: a, quantity: 3 },
      { sku: b, quantity: 1 },
    ]);
    const eventId = randomUUID();
    const query = jest.spyOn(db.pool, 'query');

    // Act
    let settlement;
    try {
      settlement = await commitOne(eventId, orderId, [
        { sku: b, quantity: 1 },
        { sku: a, quantity: 1 },
        { sku: a, quantity: 2 },
      ]);
      // Assert: pool.query borrows a connection for one statement, no transaction block.
      expect(query).toHaveBeenCalledTimes(1);
    } finally {
      query.mockRestore();
    }

    // Assert
    expect(settlement).toEqual({ orderId, outcome: 'committed', shortfall: [] });
    expect(await statusOf(orderId)).toBe('COMMITTED');
    expect(await stockOf(db.pool, a)).toEqual({ onHand: 7, reserved: 0 });
    expect(await stockOf(db.pool, b)).toEqual({ onHand: 9, reserved: 0 });
    expect(await inboxHas(eventId)).toBe(true);
    const expected = [a, b].sort().map((sku) => ({ sku, quantity: sku === a ? 3 : 1 }));
    expect((await outboxEvents(db.pool, orderId)).map((e) => e.type)).toEqual([
      'StockReserved',
      'StockCommitted',
    ]);
    expect((await outboxEvents(db.pool, orderId))[1]!.data).toEqual({ orderId, items: expected });
  });

  it('when the same event comes again, then nothing is written a second time', async () => {
    // Arrange
    const sku = await addProduct(db.pool, 10);
    const orderId = await reservedOrder([{ sku, quantity: 2 }]);
    const eventId = randomUUID();
    await commitOne(eventId, orderId, [{ sku, quantity: 2 }]);

    // Act
    const again = await commitOne(eventId, orderId, [{ sku, quantity: 2 }]);

    // Assert
    expect(again).toBeUndefined();
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 8, reserved: 0 });
    expect(await outboxEvents(db.pool, orderId)).toHaveLength(2);
  });

  it('when the event is already in the inbox while the hold is still RESERVED, then nothing is written', async () => {
    // Arrange: the inbox row of an event applied by another path (as if in the general path's
    // transaction): the one statement must not settle the hold a second time.
    const sku = await addProduct(db.pool, 10);
    const orderId = await reservedOrder([{ sku, quantity: 2 }]);
    const eventId = randomUUID();
    await db.pool.query('INSERT INTO inbox (consumer_group, event_id) VALUES ($1, $2)', [
      group,
      eventId,
    ]);

    // Act
    const result = await commitOne(eventId, orderId, [{ sku, quantity: 2 }]);

    // Assert
    expect(result).toBeUndefined();
    expect(await statusOf(orderId)).toBe('RESERVED');
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 10, reserved: 2 });
    expect(await outboxEvents(db.pool, orderId)).toHaveLength(1);
  });

  it.each([
    ['a different quantity', (sku: string) => [{ sku, quantity: 3 }]],
    [
      'a line more',
      (sku: string) => [
        { sku, quantity: 2 },
        { sku: 'SKU-NOT-HELD', quantity: 1 },
      ],
    ],
  ])(
    'when the event names %s than the hold, then nothing is written (the general path settles the hold)',
    async (_case, lines) => {
      // Arrange
      const sku = await addProduct(db.pool, 10);
      const orderId = await reservedOrder([{ sku, quantity: 2 }]);
      const eventId = randomUUID();

      // Act
      const result = await commitOne(eventId, orderId, lines(sku));

      // Assert
      expect(result).toBeUndefined();
      expect(await inboxHas(eventId)).toBe(false);
      expect(await statusOf(orderId)).toBe('RESERVED');
      expect(await stockOf(db.pool, sku)).toEqual({ onHand: 10, reserved: 2 });
      expect(await outboxEvents(db.pool, orderId)).toHaveLength(1);
    },
  );

  it('when the hold was given back or never existed, then nothing is written', async () => {
    // Arrange
    const sku = await addProduct(db.pool, 10);
    const releasedOrder = await reservedOrder([{ sku, quantity: 2 }]);
    await release.execute(releasedOrder);
    const unknownOrder = randomUUID();
    const [first, second] = [randomUUID(), randomUUID()];

    // Act
    const released = await commitOne(first, releasedOrder, [{ sku, quantity: 2 }]);
    const unknown = await commitOne(second, unknownOrder, [{ sku, quantity: 2 }]);

    // Assert
    expect(released).toBeUndefined();
    expect(unknown).toBeUndefined();
    expect(await inboxHas(first)).toBe(false);
    expect(await inboxHas(second)).toBe(false);
    expect(await statusOf(releasedOrder)).toBe('RELEASED');
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 10, reserved: 0 });
  });

  it('when a list mixes held orders with others, then the held ones commit in one round trip and the others are untouched', async () => {
    // Arrange: two held orders sharing a SKU, one whose event names other lines, one released
    const [a, b] = [await addProduct(db.pool, 20), await addProduct(db.pool, 20)];
    const first = await reservedOrder([
      { sku: a, quantity: 2 },
      { sku: b, quantity: 1 },
    ]);
    const second = await reservedOrder([{ sku: a, quantity: 3 }]);
    const differs = await reservedOrder([{ sku: b, quantity: 4 }]);
    const released = await reservedOrder([{ sku: a, quantity: 5 }]);
    await release.execute(released);
    const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const query = jest.spyOn(db.pool, 'query');

    // Act
    let done;
    try {
      done = await placed.commitHeldOnce(
        group,
        [
          {
            eventId: ids[0]!,
            orderId: first,
            lines: [
              { sku: b, quantity: 1 },
              { sku: a, quantity: 2 },
            ],
          },
          { eventId: ids[1]!, orderId: differs, lines: [{ sku: b, quantity: 3 }] },
          { eventId: ids[2]!, orderId: second, lines: [{ sku: a, quantity: 3 }] },
          { eventId: ids[3]!, orderId: released, lines: [{ sku: a, quantity: 5 }] },
        ],
        uow,
      );
      expect(query).toHaveBeenCalledTimes(1);
    } finally {
      query.mockRestore();
    }

    // Assert
    expect([...done.keys()].sort()).toEqual([ids[0], ids[2]].sort());
    expect(done.get(ids[2]!)).toEqual({ orderId: second, outcome: 'committed', shortfall: [] });
    expect(await statusOf(first)).toBe('COMMITTED');
    expect(await statusOf(second)).toBe('COMMITTED');
    expect(await statusOf(differs)).toBe('RESERVED');
    expect(await statusOf(released)).toBe('RELEASED');
    expect(await stockOf(db.pool, a)).toEqual({ onHand: 15, reserved: 0 });
    expect(await stockOf(db.pool, b)).toEqual({ onHand: 19, reserved: 4 });
    expect(await inboxHas(ids[1]!)).toBe(false);
    expect(await inboxHas(ids[3]!)).toBe(false);
    expect((await outboxEvents(db.pool, first)).map((e) => e.type)).toEqual([
      'StockReserved',
      'StockCommitted',
    ]);
    expect(await outboxEvents(db.pool, differs)).toHaveLength(1);
  });

  it('when 20 deliveries of one event race, then the hold is committed exactly once', async () => {
    // Arrange
    const sku = await addProduct(db.pool, 10);
    const orderId = await reservedOrder([{ sku, quantity: 2 }]);
    const eventId = randomUUID();

    // Act
    const results = await Promise.all(
      Array.from({ length: 20 }, () => commitOne(eventId, orderId, [{ sku, quantity: 2 }])),
    );

    // Assert
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    expect(await stockOf(db.pool, sku)).toEqual({ onHand: 8, reserved: 0 });
    expect(await outboxEvents(db.pool, orderId)).toHaveLength(2);
  });

  it('when the table keeps many settled holds, then the statement reaches reservations by primary key alone', async () => {
    // Arrange: 200 holds reserved and committed, each leaving an entry in the partial index of
    // RESERVED holds until a vacuum, then one RESERVED hold to commit.
    const sku = await addProduct(db.pool, 1_000);
    for (let i = 0; i < 200; i++) {
      const settled = await reservedOrder([{ sku, quantity: 1 }]);
      await commitOne(randomUUID(), settled, [{ sku, quantity: 1 }]);
    }
    const orderId = await reservedOrder([{ sku, quantity: 1 }]);
    const eventId = randomUUID();
    const args = [
      escapeLiteral(group),
      arrayOf('uuid', [eventId]),
      arrayOf('uuid', [orderId]),
      'ARRAY[1]::int[]',
      arrayOf('text', [sku]),
      'ARRAY[1]::int[]',
      arrayOf('uuid', [eventId]),
      ...['inventory', orderId, 'StockCommitted', '{}', '{}'].map((v) => arrayOf('text', [v])),
    ].join(', ');

    // Act: the plans Postgres makes for the prepared statement, generic and custom
    const client = await db.pool.connect();
    const plans: string[] = [];
    try {
      await client.query(`PREPARE commit_held_probe AS ${COMMIT_HELD_SQL}`);
      for (const mode of ['force_generic_plan', 'force_custom_plan']) {
        await client.query(`SET plan_cache_mode = ${mode}`);
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN EXECUTE commit_held_probe(${args})`,
        );
        plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
      }
    } finally {
      await client.query('DEALLOCATE ALL; RESET plan_cache_mode').catch(() => undefined);
      client.release();
    }

    // Assert: the reservation is read by its primary key, never through the partial index
    // (whose every entry a bitmap scan would read)
    for (const plan of plans) {
      expect(plan).toContain('reservations_pkey');
      expect(plan).not.toContain('reservations_expiry_idx');
    }
    expect(await commitOne(eventId, orderId, [{ sku, quantity: 1 }])).toBeDefined();
  });
});

/** `ARRAY[...]::<type>[]` of the values, each as an escaped literal. */
function arrayOf(type: string, values: string[]): string {
  return `ARRAY[${values.map(escapeLiteral).join(', ')}]::${type}[]`;
}
