import {
  InMemoryCartRepository,
  RecordingEventSink,
} from '../../test/support/in-memory-cart.repository';
import { CartTooManyLinesError } from '../domain/cart.errors';
import { SetCartItem } from './set-cart-item.command';

describe('SetCartItem', () => {
  function setUp(maxLines = 100) {
    const carts = new InMemoryCartRepository(maxLines);
    const events = new RecordingEventSink();
    return { carts, events, setItem: new SetCartItem(carts, events) };
  }

  it('when a new line is set, then the cart holds it and CartItemAdded carries its units', async () => {
    // Arrange
    const { events, setItem } = setUp();

    // Act
    const cart = await setItem.execute({ owner: 'alice', cartId: 'c1', sku: 'SKU-1', quantity: 3 });

    // Assert
    expect(cart).toEqual({ cartId: 'c1', items: [{ sku: 'SKU-1', quantity: 3 }] });
    expect(events.changes).toEqual([
      { type: 'CartItemAdded', cartId: 'c1', sku: 'SKU-1', quantity: 3 },
    ]);
  });

  it('when the same request is retried, then the quantity is unchanged and no second event is recorded', async () => {
    // Arrange
    const { events, setItem } = setUp();
    await setItem.execute({ owner: 'alice', cartId: 'c1', sku: 'SKU-1', quantity: 2 });

    // Act
    const cart = await setItem.execute({ owner: 'alice', cartId: 'c1', sku: 'SKU-1', quantity: 2 });

    // Assert
    expect(cart.items).toEqual([{ sku: 'SKU-1', quantity: 2 }]);
    expect(events.changes).toHaveLength(1);
  });

  it('when a line is raised or lowered, then the event carries the difference', async () => {
    // Arrange
    const { events, setItem } = setUp();
    await setItem.execute({ owner: 'alice', cartId: 'c1', sku: 'SKU-1', quantity: 2 });

    // Act
    await setItem.execute({ owner: 'alice', cartId: 'c1', sku: 'SKU-1', quantity: 5 });
    await setItem.execute({ owner: 'alice', cartId: 'c1', sku: 'SKU-1', quantity: 1 });

    // Assert
    expect(events.changes.slice(1)).toEqual([
      { type: 'CartItemAdded', cartId: 'c1', sku: 'SKU-1', quantity: 3 },
      { type: 'CartItemRemoved', cartId: 'c1', sku: 'SKU-1', quantity: 4 },
    ]);
  });

  it('when the cart is full, then a new line is refused and nothing is recorded', async () => {
    // Arrange
    const { events, setItem } = setUp(1);
    await setItem.execute({ owner: 'alice', cartId: 'c1', sku: 'SKU-1', quantity: 1 });

    // Act
    const attempt = setItem.execute({ owner: 'alice', cartId: 'c1', sku: 'SKU-2', quantity: 1 });

    // Assert
    await expect(attempt).rejects.toBeInstanceOf(CartTooManyLinesError);
    expect(events.changes).toHaveLength(1);
  });
});
