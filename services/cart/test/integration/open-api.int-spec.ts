import { servedOpenApiDocument } from '@rc/testing';
import { startCart, type StartedCart } from '../support/start-cart';

describe('cart OpenAPI document (service in-process, real Redis)', () => {
  let cart: StartedCart;

  beforeAll(async () => {
    cart = await startCart();
  });

  afterAll(async () => {
    await cart?.stop();
  });

  it('when /docs-json is fetched, then it is valid OpenAPI 3.1 with the problem+json answers of every operation', async () => {
    // Act
    const served = await servedOpenApiDocument(cart.url);

    // Assert
    expect(served).toEqual({
      status: 200,
      issues: [],
      paths: [
        '/admin/faults',
        '/v1/carts/{cartId}',
        '/v1/carts/{cartId}/items',
        '/v1/carts/{cartId}/items/{sku}',
      ],
    });
  });
});
