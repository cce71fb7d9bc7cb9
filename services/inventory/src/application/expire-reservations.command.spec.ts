import { randomUUID } from 'node:crypto';
import { InMemoryInventory } from '../../test/support/in-memory-inventory';
import { ExpireReservations } from './expire-reservations.command';
import { ReserveStock } from './reserve-stock.command';

describe('ExpireReservations', () => {
  let inventory: InMemoryInventory;
  let reserve: ReserveStock;
  let expire: ExpireReservations;

  beforeEach(() => {
    inventory = new InMemoryInventory();
    inventory.addProduct('TENT', 34_900, 10);
    inventory.addProduct('MAT', 4_500, 10);
    reserve = new ReserveStock(inventory);
    expire = new ExpireReservations(inventory);
  });

  it('when reservations are past their expiry, then they become EXPIRED and their units come back', async () => {
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
    inventory.now = new Date(inventory.now.getTime() + 31_000);

    const count = await expire.execute(100);

    expect(count).toBe(1);
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

  it('when more are due than one batch holds, then one run expires only a batch', async () => {
    for (let i = 0; i < 3; i++) {
      await reserve.execute({
        orderId: randomUUID(),
        items: [{ sku: 'MAT', quantity: 1 }],
        ttlSeconds: 1,
      });
    }
    inventory.now = new Date(inventory.now.getTime() + 2_000);

    expect(await expire.execute(2)).toBe(2);
    expect(await expire.execute(2)).toBe(1);
    expect(await expire.execute(2)).toBe(0);
    expect(inventory.stockOf('MAT').reserved).toBe(0);
  });
});
