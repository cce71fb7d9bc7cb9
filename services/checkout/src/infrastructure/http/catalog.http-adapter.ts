import { productSchema } from '@rc/contracts';
import type { ResilientHttpClient } from '@rc/resilience';
import type { CatalogPort, CatalogPrice } from '../../domain/ports/catalog.port';
import { callDependency } from './dependency-call';
import { answerOf } from './problem-of';

/**
 * {@link CatalogPort} over inventory's `GET /v1/products/:sku`, policy `inventory`. A 404 is an
 * answer (unknown SKU); anything else that is not a valid product is a failure.
 */
export class CatalogHttpAdapter implements CatalogPort {
  constructor(private readonly client: ResilientHttpClient) {}

  async priceOf(sku: string): Promise<CatalogPrice | undefined> {
    const result = await callDependency(this.client, {
      path: `/v1/products/${encodeURIComponent(sku)}`,
      urlTemplate: '/v1/products/:sku',
      parse: (body) => productSchema.parse(body),
    });
    if (result.ok) {
      const product = result.response.body;
      return { sku: product.sku, unitPrice: product.price, currency: product.currency };
    }
    if (answerOf(result.error)?.status === 404) return undefined;
    throw result.error;
  }
}
