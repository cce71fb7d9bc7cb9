import { randomUUID } from 'node:crypto';
import { InMemoryInventory } from '../../test/support/in-memory-inventory';
import { OrderStatusStub } from '../../test/support/order-status-stub';
import { ReservationNotFoundError } from '../domain/inventory.errors';
import { CommitPlacedOrder } from './commit-placed-order.command';
import { ExpireReservations } from './expire-reservations.command';
import { ReleaseReservation } from './release-reservation.command';
import { ReserveStock } from './reserve-stock.command';

describe('CommitPlacedOrder', () => {
  let inventory: InMemoryInventory;
  let placed: CommitPlacedOrder;
  let orderId: string;
  const lines = [
    { sku: 'TENT', quantity: 2 },
    { sku: 'MAT', quantity: 1 },
  ];

  beforeEach(async () => {
    inventory = new InMemoryInventory();
    inventory.addProduct('TENT', 34_900, 5);
    inventory.addProduct('MAT', 4_500, 5);
    placed = new CommitPlacedOrder(inventory);
    orderId = randomUUID();
    await new ReserveStock(inventory).execute({ orderId, items: lines, ttlSeconds: 60 });
  });

  async function expireHold(): Promise<void> {
    inventory.now = new Date(inventory.now.getTime() + 61_000);
    await new ExpireReservations(inventory, new OrderStatusStub('NOT_FOUND'), {
      recheckAfterMs: 1_000,
    }).execute(10);
    expect(inventory.reservation(orderId)?.status).toBe('EXPIRED');
  }

  it('when the hold is live, then it is committed, and a replay changes nothing', async () => {
    expect(await placed.execute(orderId, lines)).toMatchObject({ outcome: 'committed' });
    expect(await placed.execute(orderId, lines)).toMatchObject({ outcome: 'already_committed' });

    expect(inventory.stockOf('TENT')).toEqual({ onHand: 3, reserved: 0 });
    expect(inventory.events.filter((e) => e.type === 'StockCommitted')).toHaveLength(1);
  });

  it('when the hold expired and its units are still there, then they are taken again and the reservation is COMMITTED', async () => {
    await expireHold();

    const settled = await placed.execute(orderId, lines);

    expect(settled).toEqual({ orderId, outcome: 'retaken', shortfall: [] });
    expect(inventory.reservation(orderId)?.status).toBe('COMMITTED');
    expect(inventory.stockOf('TENT')).toEqual({ onHand: 3, reserved: 0 });
    expect(inventory.stockOf('MAT')).toEqual({ onHand: 4, reserved: 0 });
    expect(inventory.events.at(-1)).toMatchObject({
      type: 'StockCommitted',
      data: {
        orderId,
        items: [
          { sku: 'MAT', quantity: 1 },
          { sku: 'TENT', quantity: 2 },
        ],
      },
    });
  });

  it('when the hold expired and its units were sold again, then what is left is taken and the shortfall recorded', async () => {
    await expireHold();
    inventory.setStock('TENT', 5, 4); // one TENT left for this order, which is owed two

    const settled = await placed.execute(orderId, lines);

    expect(settled).toEqual({
      orderId,
      outcome: 'oversold',
      shortfall: [{ sku: 'TENT', quantity: 1 }],
    });
    expect(inventory.shortfalls).toEqual([{ orderId, sku: 'TENT', quantity: 1 }]);
    expect(inventory.reservation(orderId)?.status).toBe('COMMITTED');
    expect(inventory.stockOf('TENT')).toEqual({ onHand: 4, reserved: 4 });
    expect(inventory.events.at(-1)).toMatchObject({
      type: 'StockCommitted',
      data: {
        items: [
          { sku: 'MAT', quantity: 1 },
          { sku: 'TENT', quantity: 1 },
        ],
      },
    });
  });

  it('when the order was released as a tombstone, then the event lines are what it is owed', async () => {
    const ghost = randomUUID();
    await new ReleaseReservation(inventory).execute(ghost);

    const settled = await placed.execute(ghost, [{ sku: 'MAT', quantity: 2 }]);

    expect(settled.outcome).toBe('retaken');
    expect(inventory.stockOf('MAT')).toEqual({ onHand: 3, reserved: 1 });
  });

  it('when inventory never reserved the order, then it is refused (404)', async () => {
    await expect(placed.execute(randomUUID(), lines)).rejects.toThrow(ReservationNotFoundError);
  });
});
