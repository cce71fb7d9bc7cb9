import { parseEvent } from '@rc/contracts';
import { randomUUID } from 'node:crypto';
import type { NewOrder } from '../../src/domain/order';
import type { OrderStatus } from '../../src/domain/order-status';
import { PgOrderRepository } from '../../src/infrastructure/order.pg-repository';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../support/throwaway-database';

let db: ThrowawayDatabase;
let repo: PgOrderRepository;

beforeAll(async () => {
  db = await createThrowawayDatabase('checkout_orders');
  repo = new PgOrderRepository(db.pool);
});

afterAll(async () => {
  await db?.drop();
});

function newOrder(overrides: Partial<NewOrder> = {}): NewOrder {
  return {
    id: randomUUID(),
    customerId: 'cust-1',
    items: [
      { sku: 'TEA', quantity: 3, unitPrice: 450 },
      { sku: 'MUG', quantity: 2, unitPrice: 1_200 },
    ],
    currency: 'EUR',
    degraded: [],
    ...overrides,
  };
}

/** Stores an order and walks it to `status` through the real transitions. */
async function orderIn(status: OrderStatus, ageSeconds = 0): Promise<string> {
  const order = newOrder();
  await repo.create(order);
  if (status !== 'PENDING') await repo.markReserved(order.id);
  // Nothing writes CHARGED now (the saga stores the capture with the confirm); an order an
  // earlier version left CHARGED is still recovered forward, so tests put one there directly.
  if (status === 'CHARGED')
    await db.pool.query(
      `UPDATE orders SET status = 'CHARGED', payment_id = 'pay-1' WHERE id = $1 AND status = 'RESERVED'`,
      [order.id],
    );
  if (status === 'COMPENSATING')
    await repo.markCompensating(order.id, 'RESERVED', 'CHECKOUT.PAYMENT_UNAVAILABLE');
  if (ageSeconds > 0) await age(order.id, ageSeconds);
  return order.id;
}

async function age(orderId: string, seconds: number): Promise<void> {
  await db.pool.query(
    `UPDATE orders SET updated_at = now() - make_interval(secs => $2) WHERE id = $1`,
    [orderId, seconds],
  );
}

async function outboxOf(orderId: string) {
  const { rows } = await db.pool.query<{ type: string; topic: string; payload: unknown }>(
    'SELECT type, topic, payload FROM outbox WHERE key = $1 ORDER BY id',
    [orderId],
  );
  return rows;
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('PgOrderRepository (real Postgres)', () => {
  describe('creating orders', () => {
    it('when an order is created, then it is PENDING with its lines, total and degradations', async () => {
      const order = newOrder({ degraded: ['cart'] });

      const result = await repo.create(order);

      expect(result.created).toBe(true);
      const stored = await repo.findById(order.id);
      expect(stored).toMatchObject({
        id: order.id,
        customerId: 'cust-1',
        status: 'PENDING',
        total: 3_750,
        currency: 'EUR',
        paymentId: null,
        failureCode: null,
        degraded: ['cart'],
      });
      expect(stored?.items).toEqual([
        { sku: 'MUG', quantity: 2, unitPrice: 1_200 },
        { sku: 'TEA', quantity: 3, unitPrice: 450 },
      ]);
    });

    it('when the same order id is created twice, then the second call gets the first order and nothing is duplicated', async () => {
      const order = newOrder();
      await repo.create(order);
      await repo.markReserved(order.id);

      const again = await repo.create({
        ...order,
        items: [{ sku: 'X', quantity: 9, unitPrice: 1 }],
      });

      expect(again.created).toBe(false);
      expect(again.order.status).toBe('RESERVED');
      expect(again.order.items.map((l) => l.sku)).toEqual(['MUG', 'TEA']);
    });

    it('when ten attempts create the same order at once, then exactly one creates it', async () => {
      const order = newOrder();

      const results = await Promise.all(Array.from({ length: 10 }, () => repo.create(order)));

      expect(results.filter((r) => r.created)).toHaveLength(1);
      const { rows } = await db.pool.query(
        'SELECT count(*)::int AS n FROM order_items WHERE order_id = $1',
        [order.id],
      );
      expect(rows[0].n).toBe(2);
    });

    it('when a line has a non-positive quantity, then the database refuses the whole order', async () => {
      const order = newOrder({ items: [{ sku: 'MUG', quantity: 0, unitPrice: 100 }] });

      await expect(repo.create(order)).rejects.toThrow(/order_items_quantity_check/);
      expect(await repo.findById(order.id)).toBeUndefined();
    });
  });

  describe('guarded transitions', () => {
    it('when a transition starts from the wrong status, then it changes nothing and reports false', async () => {
      const id = await orderIn('PENDING');

      expect(await repo.confirm((await repo.findById(id))!, 'pay-1')).toBe(false);
      expect(await repo.markReserved(id)).toBe(true);
      expect(await repo.markReserved(id)).toBe(false);
      expect((await repo.findById(id))?.status).toBe('RESERVED');
    });

    it('when a RESERVED order is confirmed with its capture, then it is CONFIRMED with the payment and one valid OrderPlaced is in the outbox, in one round trip', async () => {
      const id = await orderIn('RESERVED');
      const order = (await repo.findById(id))!;
      const query = jest.spyOn(db.pool, 'query');

      try {
        expect(await repo.confirm(order, 'pay-42')).toBe(true);
        // pool.query borrows a connection for one statement: no transaction block around it.
        expect(query).toHaveBeenCalledTimes(1);
      } finally {
        query.mockRestore();
      }
      expect(await repo.confirm(order, 'pay-43')).toBe(false);

      expect(await repo.findById(id)).toMatchObject({ status: 'CONFIRMED', paymentId: 'pay-42' });
      const events = await outboxOf(id);
      expect(events.map((e) => [e.type, e.topic])).toEqual([['OrderPlaced', 'orders']]);
      const parsed = parseEvent(events[0]!.payload);
      expect(parsed.ok && parsed.event.data).toEqual({
        orderId: id,
        customerId: 'cust-1',
        items: [
          { sku: 'MUG', quantity: 2, unitPrice: 1_200 },
          { sku: 'TEA', quantity: 3, unitPrice: 450 },
        ],
        total: 3_750,
        currency: 'EUR',
      });
    });

    it('when writing the event fails, then the confirmation rolls back with it (one transaction)', async () => {
      // Arrange: make every outbox insert fail
      const id = await orderIn('RESERVED');
      await db.pool.query(`
        CREATE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'outbox refused'; END $$;
        CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION refuse_outbox();`);
      try {
        // Act
        const confirming = repo.confirm((await repo.findById(id))!, 'pay-1');

        // Assert
        await expect(confirming).rejects.toThrow(/outbox refused/);
        expect(await repo.findById(id)).toMatchObject({ status: 'RESERVED', paymentId: null });
        expect(await outboxOf(id)).toEqual([]);
      } finally {
        await db.pool.query('DROP TRIGGER refuse_outbox ON outbox; DROP FUNCTION refuse_outbox()');
      }
    });

    it('when an order fails, then it is FAILED with its code and one OrderFailed is in the outbox', async () => {
      const id = await orderIn('COMPENSATING');

      expect(await repo.fail(id, 'RESERVED', 'CHECKOUT.X')).toBe(false);
      expect(await repo.fail(id, 'COMPENSATING', 'CHECKOUT.PAYMENT_UNAVAILABLE')).toBe(true);

      expect(await repo.findById(id)).toMatchObject({
        status: 'FAILED',
        failureCode: 'CHECKOUT.PAYMENT_UNAVAILABLE',
      });
      const events = await outboxOf(id);
      expect(events.map((e) => e.type)).toEqual(['OrderFailed']);
      const parsed = parseEvent(events[0]!.payload);
      expect(parsed.ok && parsed.event.data).toEqual({
        orderId: id,
        customerId: 'cust-1',
        reason: 'CHECKOUT.PAYMENT_UNAVAILABLE',
      });
    });
  });

  describe('recovery claims', () => {
    beforeEach(async () => {
      // Each test sees only its own stalled orders.
      await db.pool.query(`UPDATE orders SET status = 'FAILED', failure_code = 'CHECKOUT.TEST'
                           WHERE status IN ('PENDING', 'RESERVED', 'CHARGED', 'COMPENSATING')`);
    });

    it('when orders are fresh or finished, then nothing is claimed', async () => {
      await orderIn('RESERVED', 5);
      const confirmed = await orderIn('RESERVED');
      await repo.confirm((await repo.findById(confirmed))!, 'pay-1');
      await age(confirmed, 120);
      const decide = jest.fn();

      const claimed = await repo.recoverNext(30_000, decide);

      expect(claimed).toBeUndefined();
      expect(decide).not.toHaveBeenCalled();
    });

    it('when a stalled order is claimed, then the oldest comes first and the decision is applied with its event', async () => {
      const older = await orderIn('CHARGED', 300);
      await orderIn('PENDING', 60);

      const claimed = await repo.recoverNext(30_000, async (order) => {
        expect(order.items).toHaveLength(2);
        return { action: 'confirm' };
      });

      expect(claimed?.order.id).toBe(older);
      expect(await repo.findById(older)).toMatchObject({ status: 'CONFIRMED', paymentId: 'pay-1' });
      expect((await outboxOf(older)).map((e) => e.type)).toEqual(['OrderPlaced']);
    });

    it('when compensation must be retried later, then the order becomes COMPENSATING and leaves the stale window', async () => {
      const id = await orderIn('RESERVED', 60);

      await repo.recoverNext(30_000, async () => ({
        action: 'retry_later',
        failureCode: 'CHECKOUT.INTERRUPTED',
      }));

      expect(await repo.findById(id)).toMatchObject({
        status: 'COMPENSATING',
        failureCode: 'CHECKOUT.INTERRUPTED',
      });
      expect(await repo.recoverNext(30_000, jest.fn())).toBeUndefined();
    });

    it('when the decision throws, then the claim rolls back and the order is untouched', async () => {
      const id = await orderIn('PENDING', 60);

      await expect(
        repo.recoverNext(30_000, () => Promise.reject(new Error('decide broke'))),
      ).rejects.toThrow('decide broke');

      expect((await repo.findById(id))?.status).toBe('PENDING');
    });

    it('when two replicas claim at once, then they get different orders and a third finds nothing (SKIP LOCKED)', async () => {
      // Arrange: two stalled orders, two "replicas" with their own pools
      const a = await orderIn('PENDING', 60);
      const b = await orderIn('PENDING', 90);
      const replica1 = new PgOrderRepository(db.newPool(2));
      const replica2 = new PgOrderRepository(db.newPool(2));
      const replica3 = new PgOrderRepository(db.newPool(2));
      const release = deferred();
      const claimedBoth = { count: 0, ready: deferred() };
      const slowDecide = async () => {
        if (++claimedBoth.count === 2) claimedBoth.ready.resolve();
        await release.promise; // hold the row lock while "calling other services"
        return { action: 'fail' as const, failureCode: 'CHECKOUT.INTERRUPTED' };
      };

      // Act
      const first = replica1.recoverNext(30_000, slowDecide);
      const second = replica2.recoverNext(30_000, slowDecide);
      await claimedBoth.ready.promise;
      const third = await replica3.recoverNext(30_000, jest.fn());
      release.resolve();
      const claims = await Promise.all([first, second]);

      // Assert
      expect(third).toBeUndefined();
      expect(claims.map((c) => c?.order.id).sort()).toEqual([a, b].sort());
      expect((await outboxOf(a)).map((e) => e.type)).toEqual(['OrderFailed']);
      expect((await outboxOf(b)).map((e) => e.type)).toEqual(['OrderFailed']);
    });

    it('when a late request transition races a claim, then it waits for the claim and finds the order moved', async () => {
      const id = await orderIn('RESERVED', 60);
      const claimed = deferred();
      const release = deferred();

      const recovering = repo.recoverNext(30_000, async () => {
        claimed.resolve();
        await release.promise;
        return { action: 'fail', failureCode: 'CHECKOUT.INTERRUPTED' };
      });
      await claimed.promise;
      const order = (await repo.findById(id))!;
      const lateConfirm = repo.confirm(order, 'pay-late'); // blocks on the row lock
      release.resolve();

      await recovering;
      expect(await lateConfirm).toBe(false);
      expect(await repo.findById(id)).toMatchObject({ status: 'FAILED', paymentId: null });
    });
  });
});
