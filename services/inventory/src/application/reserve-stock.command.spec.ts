import { randomUUID } from 'node:crypto';
import { InMemoryInventory } from '../../test/support/in-memory-inventory';
import {
  InsufficientStockError,
  ReservationNotActiveError,
  UnknownSkuError,
} from '../domain/inventory.errors';
import { ReleaseReservation } from './release-reservation.command';
import { ReserveStock } from './reserve-stock.command';

describe('ReserveStock', () => {
  let inventory: InMemoryInventory;
  let reserve: ReserveStock;

  beforeEach(() => {
    inventory = new InMemoryInventory();
    inventory.addProduct('TENT', 34_900, 5);
    inventory.addProduct('MAT', 4_500, 10);
    reserve = new ReserveStock(inventory);
  });

  it('when every line is available, then units are held, priced and StockReserved is recorded', async () => {
    const orderId = randomUUID();

    const { reservation, created } = await reserve.execute({
      orderId,
      items: [
        { sku: 'TENT', quantity: 2 },
        { sku: 'MAT', quantity: 1 },
      ],
      ttlSeconds: 900,
    });

    expect(created).toBe(true);
    expect(reservation.status).toBe('RESERVED');
    expect(reservation.expiresAt).toEqual(new Date(inventory.now.getTime() + 900_000));
    expect(reservation.items).toEqual([
      { sku: 'MAT', quantity: 1, unitPrice: 4_500, currency: 'EUR' },
      { sku: 'TENT', quantity: 2, unitPrice: 34_900, currency: 'EUR' },
    ]);
    expect(inventory.stockOf('TENT')).toEqual({ onHand: 5, reserved: 2 });
    expect(inventory.events.map((e) => [e.type, e.key, e.data])).toEqual([
      [
        'StockReserved',
        orderId,
        {
          orderId,
          items: [
            { sku: 'MAT', quantity: 1 },
            { sku: 'TENT', quantity: 2 },
          ],
        },
      ],
    ]);
  });

  it('when a SKU appears twice, then its quantities are merged into one line', async () => {
    const { reservation } = await reserve.execute({
      orderId: randomUUID(),
      items: [
        { sku: 'MAT', quantity: 1 },
        { sku: 'MAT', quantity: 2 },
      ],
      ttlSeconds: 60,
    });

    expect(reservation.items).toEqual([
      { sku: 'MAT', quantity: 3, unitPrice: 4_500, currency: 'EUR' },
    ]);
    expect(inventory.stockOf('MAT').reserved).toBe(3);
  });

  it('when one line is short, then nothing is reserved and the error names every short SKU', async () => {
    const orderId = randomUUID();

    const attempt = reserve.execute({
      orderId,
      items: [
        { sku: 'TENT', quantity: 6 },
        { sku: 'MAT', quantity: 11 },
      ],
      ttlSeconds: 60,
    });

    await expect(attempt).rejects.toThrow(InsufficientStockError);
    await expect(attempt).rejects.toMatchObject({ skus: ['MAT', 'TENT'], httpStatus: 409 });
    expect(inventory.stockOf('TENT').reserved).toBe(0);
    expect(inventory.stockOf('MAT').reserved).toBe(0);
    expect(inventory.reservation(orderId)).toBeUndefined();
    expect(inventory.events).toEqual([]);
  });

  it('when a SKU is unknown, then it is refused with 404 and nothing is written', async () => {
    const orderId = randomUUID();

    const attempt = reserve.execute({
      orderId,
      items: [
        { sku: 'TENT', quantity: 1 },
        { sku: 'NOPE', quantity: 1 },
      ],
      ttlSeconds: 60,
    });

    await expect(attempt).rejects.toThrow(UnknownSkuError);
    await expect(attempt).rejects.toMatchObject({ code: 'INVENTORY.UNKNOWN_SKU', skus: ['NOPE'] });
    expect(inventory.reservation(orderId)).toBeUndefined();
    expect(inventory.stockOf('TENT').reserved).toBe(0);
  });

  it('when the order already has a live reservation, then it is returned as it is and stock is untouched', async () => {
    const orderId = randomUUID();
    await reserve.execute({ orderId, items: [{ sku: 'TENT', quantity: 1 }], ttlSeconds: 60 });

    const again = await reserve.execute({
      orderId,
      items: [{ sku: 'TENT', quantity: 3 }],
      ttlSeconds: 60,
    });

    expect(again.created).toBe(false);
    expect(again.reservation.items).toEqual([
      { sku: 'TENT', quantity: 1, unitPrice: 34_900, currency: 'EUR' },
    ]);
    expect(inventory.stockOf('TENT').reserved).toBe(1);
    expect(inventory.events).toHaveLength(1);
  });

  it('when the order was released before its reserve arrived, then the late reserve holds nothing (409)', async () => {
    const orderId = randomUUID();
    await new ReleaseReservation(inventory).execute(orderId);

    const late = reserve.execute({
      orderId,
      items: [{ sku: 'TENT', quantity: 1 }],
      ttlSeconds: 60,
    });

    await expect(late).rejects.toThrow(ReservationNotActiveError);
    await expect(late).rejects.toMatchObject({ status: 'RELEASED', httpStatus: 409 });
    expect(inventory.stockOf('TENT').reserved).toBe(0);
  });
});
