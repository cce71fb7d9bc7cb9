import { randomUUID } from 'node:crypto';
import { InMemoryInventory } from '../../test/support/in-memory-inventory';
import { ReservationAlreadyCommittedError } from '../domain/inventory.errors';
import { CommitReservation } from './commit-reservation.command';
import { ExpireReservations } from './expire-reservations.command';
import { ReleaseReservation } from './release-reservation.command';
import { ReserveStock } from './reserve-stock.command';
import { OrderStatusStub } from '../../test/support/order-status-stub';

describe('ReleaseReservation', () => {
  let inventory: InMemoryInventory;
  let release: ReleaseReservation;
  let orderId: string;

  beforeEach(async () => {
    inventory = new InMemoryInventory();
    inventory.addProduct('TENT', 34_900, 5);
    release = new ReleaseReservation(inventory);
    orderId = randomUUID();
    await new ReserveStock(inventory).execute({
      orderId,
      items: [{ sku: 'TENT', quantity: 2 }],
      ttlSeconds: 60,
    });
  });

  it('when a live reservation is released, then its units are available again and StockReleased is recorded', async () => {
    const released = await release.execute(orderId);

    expect(released.status).toBe('RELEASED');
    expect(inventory.stockOf('TENT')).toEqual({ onHand: 5, reserved: 0 });
    expect(inventory.events.map((e) => e.type)).toEqual(['StockReserved', 'StockReleased']);
  });

  it('when it is released twice, then the second release changes nothing', async () => {
    await release.execute(orderId);

    const again = await release.execute(orderId);

    expect(again.status).toBe('RELEASED');
    expect(inventory.stockOf('TENT')).toEqual({ onHand: 5, reserved: 0 });
    expect(inventory.events).toHaveLength(2);
  });

  it('when the order is unknown, then a RELEASED tombstone without items is written and no event', async () => {
    const unknown = randomUUID();

    const tombstone = await release.execute(unknown);

    expect(tombstone).toMatchObject({ orderId: unknown, status: 'RELEASED', items: [] });
    expect(inventory.reservation(unknown)?.status).toBe('RELEASED');
    expect(inventory.events).toHaveLength(1);
  });

  it('when the reservation expired, then release answers it as EXPIRED and changes nothing', async () => {
    inventory.now = new Date(inventory.now.getTime() + 61_000);
    await new ExpireReservations(inventory, new OrderStatusStub('FAILED'), {
      recheckAfterMs: 30_000,
    }).execute(10);

    const released = await release.execute(orderId);

    expect(released.status).toBe('EXPIRED');
    expect(inventory.stockOf('TENT')).toEqual({ onHand: 5, reserved: 0 });
  });

  it('when the reservation is committed, then release is refused with 409', async () => {
    await new CommitReservation(inventory).execute(orderId);

    await expect(release.execute(orderId)).rejects.toThrow(ReservationAlreadyCommittedError);
    expect(inventory.stockOf('TENT')).toEqual({ onHand: 3, reserved: 0 });
  });
});
