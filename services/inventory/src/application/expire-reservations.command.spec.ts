import { randomUUID } from 'node:crypto';
import { InMemoryInventory } from '../../test/support/in-memory-inventory';
import { OrderStatusStub } from '../../test/support/order-status-stub';
import { ExpireReservations } from './expire-reservations.command';
import { ReserveStock } from './reserve-stock.command';

describe('ExpireReservations', () => {
  let inventory: InMemoryInventory;
  let reserve: ReserveStock;
  let checkout: OrderStatusStub;
  let expire: ExpireReservations;

  beforeEach(() => {
    inventory = new InMemoryInventory();
    inventory.addProduct('TENT', 34_900, 10);
    inventory.addProduct('MAT', 4_500, 10);
    reserve = new ReserveStock(inventory);
    checkout = new OrderStatusStub('FAILED');
    expire = new ExpireReservations(inventory, checkout, { recheckAfterMs: 30_000 });
  });

  async function dueOrder(quantity = 1, sku = 'MAT'): Promise<string> {
    const orderId = randomUUID();
    await reserve.execute({ orderId, items: [{ sku, quantity }], ttlSeconds: 30 });
    return orderId;
  }

  function advance(ms: number): void {
    inventory.now = new Date(inventory.now.getTime() + ms);
  }

  it('when the order of a hold past its expiry FAILED, then it becomes EXPIRED and its units come back', async () => {
    const shortLived = randomUUID();
    const longLived = randomUUID();
    await reserve.execute({
      orderId: shortLived,
      items: [
        { sku: 'TENT', quantity: 2 },
        { sku: 'MAT', quantity: 1 },
      ],
      ttlSeconds: 30,
    });
    await reserve.execute({
      orderId: longLived,
      items: [{ sku: 'TENT', quantity: 1 }],
      ttlSeconds: 900,
    });
    advance(31_000);

    const result = await expire.execute(100);

    expect(result).toMatchObject({ claimed: 1, expired: 1, committed: 0, held: 0 });
    expect(checkout.asked).toEqual([shortLived]);
    expect(inventory.reservation(shortLived)?.status).toBe('EXPIRED');
    expect(inventory.reservation(longLived)?.status).toBe('RESERVED');
    expect(inventory.stockOf('TENT')).toEqual({ onHand: 10, reserved: 1 });
    expect(inventory.stockOf('MAT')).toEqual({ onHand: 10, reserved: 0 });
    expect(inventory.events.at(-1)).toMatchObject({
      type: 'StockReleased',
      key: shortLived,
      data: {
        orderId: shortLived,
        items: [
          { sku: 'MAT', quantity: 1 },
          { sku: 'TENT', quantity: 2 },
        ],
      },
    });
  });

  it('when the order of a hold past its expiry is CONFIRMED, then the hold is committed, never given back', async () => {
    const orderId = await dueOrder(3);
    checkout.answers.set(orderId, 'CONFIRMED');
    advance(31_000);

    const result = await expire.execute(100);

    expect(result).toMatchObject({
      claimed: 1,
      expired: 0,
      committed: 1,
      answers: { CONFIRMED: 1 },
    });
    expect(inventory.reservation(orderId)?.status).toBe('COMMITTED');
    expect(inventory.stockOf('MAT')).toEqual({ onHand: 7, reserved: 0 });
    expect(inventory.events.at(-1)).toMatchObject({ type: 'StockCommitted', key: orderId });
  });

  it('when checkout does not know the order, then the hold expires', async () => {
    const orderId = await dueOrder();
    checkout.answers.set(orderId, 'NOT_FOUND');
    advance(31_000);

    expect(await expire.execute(100)).toMatchObject({ expired: 1 });
    expect(inventory.reservation(orderId)?.status).toBe('EXPIRED');
  });

  it.each(['UNAVAILABLE', 'IN_PROGRESS'] as const)(
    'when checkout answers %s, then the hold is kept and asked about again only after the re-check interval',
    async (answer) => {
      const orderId = await dueOrder(2);
      checkout.answers.set(orderId, answer);
      advance(31_000);

      expect(await expire.execute(100)).toMatchObject({ claimed: 1, held: 1 });
      expect(inventory.reservation(orderId)?.status).toBe('RESERVED');
      expect(inventory.stockOf('MAT')).toEqual({ onHand: 10, reserved: 2 });

      advance(29_000);
      expect(await expire.execute(100)).toMatchObject({ claimed: 0 });

      checkout.answers.set(orderId, 'CONFIRMED');
      advance(1_000);
      expect(await expire.execute(100)).toMatchObject({ claimed: 1, committed: 1 });
      expect(inventory.stockOf('MAT')).toEqual({ onHand: 8, reserved: 0 });
      expect(checkout.asked).toEqual([orderId, orderId]);
    },
  );

  it('when more are due than one batch holds, then one run claims only a batch', async () => {
    for (let i = 0; i < 3; i++) await dueOrder();
    advance(31_000);

    expect((await expire.execute(2)).expired).toBe(2);
    expect((await expire.execute(2)).expired).toBe(1);
    expect((await expire.execute(2)).claimed).toBe(0);
    expect(inventory.stockOf('MAT').reserved).toBe(0);
  });
});
