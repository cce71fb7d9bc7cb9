import { randomUUID } from 'node:crypto';
import { InMemoryInventory } from '../../test/support/in-memory-inventory';
import { ReservationNotActiveError, ReservationNotFoundError } from '../domain/inventory.errors';
import { CommitReservation } from './commit-reservation.command';
import { ReleaseReservation } from './release-reservation.command';
import { ReserveStock } from './reserve-stock.command';

describe('CommitReservation', () => {
  let inventory: InMemoryInventory;
  let commit: CommitReservation;
  let orderId: string;

  beforeEach(async () => {
    inventory = new InMemoryInventory();
    inventory.addProduct('TENT', 34_900, 5);
    commit = new CommitReservation(inventory);
    orderId = randomUUID();
    await new ReserveStock(inventory).execute({
      orderId,
      items: [{ sku: 'TENT', quantity: 2 }],
      ttlSeconds: 60,
    });
  });

  it('when a reservation is committed, then its units leave stock and StockCommitted is recorded', async () => {
    const committed = await commit.execute(orderId);

    expect(committed.status).toBe('COMMITTED');
    expect(inventory.stockOf('TENT')).toEqual({ onHand: 3, reserved: 0 });
    expect(inventory.events.map((e) => e.type)).toEqual(['StockReserved', 'StockCommitted']);
  });

  it('when it is committed twice, then the second commit changes nothing', async () => {
    await commit.execute(orderId);

    const again = await commit.execute(orderId);

    expect(again.status).toBe('COMMITTED');
    expect(inventory.stockOf('TENT')).toEqual({ onHand: 3, reserved: 0 });
    expect(inventory.events.map((e) => e.type)).toEqual(['StockReserved', 'StockCommitted']);
  });

  it('when the reservation was released, then commit is refused with 409 and stock is unchanged', async () => {
    await new ReleaseReservation(inventory).execute(orderId);

    const attempt = commit.execute(orderId);

    await expect(attempt).rejects.toThrow(ReservationNotActiveError);
    expect(inventory.stockOf('TENT')).toEqual({ onHand: 5, reserved: 0 });
  });

  it('when the order has no reservation, then commit is refused with 404', async () => {
    await expect(commit.execute(randomUUID())).rejects.toThrow(ReservationNotFoundError);
  });
});
