import { skuSchema } from '@rc/contracts';
import { withFallback, type ResilientHttpClient } from '@rc/resilience';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { RecommendationPort, Recommendations } from '../../domain/ports/recommendation.port';
import { callDependency } from './dependency-call';

const recommendationsSchema = z.object({ skus: z.array(skuSchema).max(100) });

/** Settings of {@link RecommendationHttpAdapter}. */
export interface RecommendationAdapterOptions {
  /** How many SKUs to ask for and return. */
  readonly limit: number;
  /** The static best-seller list answered when the service cannot (tier 3: never fails a checkout). */
  readonly fallbackSkus: readonly string[];
  readonly registry?: Registry;
}

/**
 * {@link RecommendationPort} over `GET /v1/recommendations`, policy `recommendations` (short
 * timeout, no retry). Any failure — slow, down, breaker open, bulkhead full, bad answer — is
 * replaced by the static best-seller list, counted in `resilience_fallback_total` and reported
 * as degraded.
 */
export class RecommendationHttpAdapter implements RecommendationPort {
  constructor(
    private readonly client: ResilientHttpClient,
    private readonly options: RecommendationAdapterOptions,
  ) {}

  async recommend(skus: readonly string[]): Promise<Recommendations> {
    const { value, degraded } = await withFallback(
      'recommendations',
      async () => {
        const result = await callDependency(this.client, {
          path: '/v1/recommendations',
          urlTemplate: '/v1/recommendations',
          query: { skus: skus.join(','), limit: this.options.limit },
          parse: (body) => recommendationsSchema.parse(body),
        });
        if (!result.ok) throw result.error;
        return result.response.body.skus.slice(0, this.options.limit);
      },
      () =>
        this.options.fallbackSkus.filter((sku) => !skus.includes(sku)).slice(0, this.options.limit),
      { registry: this.options.registry },
    );
    return { skus: value, degraded };
  }
}
