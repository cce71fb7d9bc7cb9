import { cartItemSchema } from './cart.dto';
import { checkoutRequestSchema } from './checkout.dto';
import { productSchema } from './product.dto';

const payment = { token: 'tok_visa_abc' };

describe('HTTP DTO schemas', () => {
  it('when a checkout names a cart only, then it is valid', () => {
    const result = checkoutRequestSchema.safeParse({
      customerId: 'c-1',
      cartId: 'cart-1',
      payment,
    });

    expect(result.success).toBe(true);
  });

  it('when a checkout carries its items only (cart fallback), then it is valid', () => {
    const body = { customerId: 'c-1', items: [{ sku: 'SKU-1', quantity: 2 }], payment };

    const result = checkoutRequestSchema.safeParse(body);

    expect(result.success && result.data).toEqual(body);
  });

  it('when a checkout has neither cart nor items, then it is rejected with a clear message', () => {
    const result = checkoutRequestSchema.safeParse({ customerId: 'c-1', payment });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'either cartId or items is required',
    ]);
  });

  it.each([0, -1, 1.5])('when a checkout item has quantity %p, then it is rejected', (quantity) => {
    const body = { customerId: 'c-1', items: [{ sku: 'SKU-1', quantity }], payment };

    expect(checkoutRequestSchema.safeParse(body).success).toBe(false);
  });

  it('when a checkout has no payment token, then it is rejected', () => {
    const body = { customerId: 'c-1', cartId: 'cart-1', payment: { token: '' } };

    expect(checkoutRequestSchema.safeParse(body).success).toBe(false);
  });

  it('when a product has an integer minor-unit price, then it is valid', () => {
    const product = { sku: 'SKU-1', name: 'Kettle', price: 3999, currency: 'EUR', available: 12 };

    expect(productSchema.parse(product)).toEqual(product);
  });

  it('when a product price has a fraction, then it is rejected (money is integer minor units)', () => {
    const product = { sku: 'SKU-1', name: 'Kettle', price: 39.99, currency: 'EUR', available: 1 };

    expect(productSchema.safeParse(product).success).toBe(false);
  });

  it('when a cart item has an invalid sku, then it is rejected', () => {
    expect(cartItemSchema.safeParse({ sku: 'bad sku!', quantity: 1 }).success).toBe(false);
    expect(cartItemSchema.safeParse({ sku: 'SKU-1', quantity: 1 }).success).toBe(true);
  });
});
