import {
  InMemoryCartRepository,
  RecordingEventSink,
} from '../../test/support/in-memory-cart.repository';
import { GetCart } from './get-cart.query';
import { RemoveCartItem } from './remove-cart-item.command';
import { SetCartItem } from './set-cart-item.command';

describe('RemoveCartItem', () => {
  function setUp() {
    const carts = new InMemoryCartRepository();
    const events = new RecordingEventSink();
    return {
      events,
      setItem: new SetCartItem(carts, events),
      removeItem: new RemoveCartItem(carts, events),
      getCart: new GetCart(carts),
    };
  }

  it('when a line is removed, then it is gone and CartItemRemoved carries its units', async () => {
    // Arrange
    const { events, setItem, removeItem } = setUp();
    await setItem.execute({ owner: 'alice', cartId: 'c1', sku: 'A', quantity: 4 });
    await setItem.execute({ owner: 'alice', cartId: 'c1', sku: 'B', quantity: 1 });

    // Act
    const cart = await removeItem.execute({ owner: 'alice', cartId: 'c1', sku: 'A' });

    // Assert
    expect(cart.items).toEqual([{ sku: 'B', quantity: 1 }]);
    expect(events.changes.at(-1)).toEqual({
      type: 'CartItemRemoved',
      cartId: 'c1',
      sku: 'A',
      quantity: 4,
    });
  });

  it('when the line is not in the cart, then the cart is returned as is and nothing is recorded', async () => {
    // Arrange
    const { events, removeItem } = setUp();

    // Act
    const cart = await removeItem.execute({ owner: 'alice', cartId: 'c1', sku: 'A' });

    // Assert
    expect(cart).toEqual({ cartId: 'c1', items: [] });
    expect(events.changes).toEqual([]);
  });

  it('when an unknown cart is read, then it is empty', async () => {
    // Arrange
    const { getCart } = setUp();

    // Act
    const cart = await getCart.execute({ owner: 'alice', cartId: 'never-written' });

    // Assert
    expect(cart).toEqual({ cartId: 'never-written', items: [] });
  });
});
