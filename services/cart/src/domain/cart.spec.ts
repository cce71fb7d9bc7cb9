import { cartFromLines, isValidCartId } from './cart';

describe('cart', () => {
  it('when lines are stored in any order, then the cart lists them sorted by sku', () => {
    // Act
    const cart = cartFromLines('c', [
      ['b', 1],
      ['a', 2],
    ]);

    // Assert
    expect(cart.items.map((l) => l.sku)).toEqual(['a', 'b']);
  });

  it('when a stored quantity is not a positive integer, then the line is left out', () => {
    // Act
    const cart = cartFromLines('c', [
      ['a', 0],
      ['b', Number.NaN],
      ['c', 1.5],
      ['d', 1],
    ]);

    // Assert
    expect(cart.items).toEqual([{ sku: 'd', quantity: 1 }]);
  });

  it.each([
    ['abc-DEF_123', true],
    ['x'.repeat(64), true],
    ['', false],
    ['x'.repeat(65), false],
    ['a:b', false],
    ['a b', false],
  ])('when the cart id is %j, then valid is %s', (cartId, valid) => {
    expect(isValidCartId(cartId)).toBe(valid);
  });
});
