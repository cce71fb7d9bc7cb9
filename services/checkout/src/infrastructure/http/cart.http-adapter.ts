import { cartItemSchema } from '@rc/contracts';
import type { ResilientHttpClient } from '@rc/resilience';
import { z } from 'zod';
import type { CartLine, CartPort } from '../../domain/ports/cart.port';
import { callDependency } from './dependency-call';

const cartSchema = z.object({ items: z.array(cartItemSchema).max(1_000) });

/** {@link CartPort} over the cart service's HTTP API (`GET /v1/carts/:cartId`), policy `cart`. */
export class CartHttpAdapter implements CartPort {
  constructor(private readonly client: ResilientHttpClient) {}

  async getLines(cartId: string, credentials?: string): Promise<CartLine[]> {
    const result = await callDependency(this.client, {
      path: `/v1/carts/${encodeURIComponent(cartId)}`,
      // The customer's own token: the cart service keeps each customer's carts apart.
      ...(credentials === undefined ? {} : { headers: { authorization: credentials } }),
      urlTemplate: '/v1/carts/:cartId',
      parse: (body) => cartSchema.parse(body),
    });
    if (!result.ok) throw result.error;
    return result.response.body.items;
  }
}
