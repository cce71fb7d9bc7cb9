import { Controller, Get, Header, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  ApiProblems,
  INBOUND_PIPELINE_PROBLEMS,
  openApiResponseSchema,
  RATE_LIMITED_PROBLEMS,
  SERVICE_CONFIG,
  VALIDATION_PROBLEMS,
  ZodValidationPipe,
} from '@rc/platform';
import { Criticality } from '@rc/resilience/nest';
import type { z } from 'zod';
import { GetRecommendations } from '../application/get-recommendations.query';
import type { RecommendationsConfig } from '../config/recommendations.config';
import { recommendationRequest, type Recommendations } from '../domain/recommendation';
import { recommendationsQuerySchema, recommendationsResponseSchema } from './recommendations.dto';

/**
 * Recommendations over HTTP. Tier 3 and SHEDDABLE: the first requests refused under overload.
 * Always 200 with some answer while the process runs; `source` says how good it is.
 */
@ApiTags('recommendations')
@Criticality('SHEDDABLE')
@Controller('v1/recommendations')
export class RecommendationsController {
  constructor(
    private readonly getRecommendations: GetRecommendations,
    @Inject(SERVICE_CONFIG) private readonly config: RecommendationsConfig,
  ) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary:
      'Products often bought with the given ones (model → cache → stale cache → static best-sellers).',
  })
  @ApiQuery({ name: 'skus', required: true, example: 'TENT-2P-ULTRA,MAT-INFL-R4' })
  @ApiQuery({ name: 'limit', required: false, example: 4 })
  @ApiOkResponse({ schema: openApiResponseSchema(recommendationsResponseSchema) })
  // Never a dependency error (any failure falls back to best-sellers): only the edge refuses.
  @ApiProblems(VALIDATION_PROBLEMS, INBOUND_PIPELINE_PROBLEMS, RATE_LIMITED_PROBLEMS)
  async get(
    @Query(new ZodValidationPipe(recommendationsQuerySchema))
    query: z.infer<typeof recommendationsQuerySchema>,
  ): Promise<Recommendations> {
    const limit = query.limit ?? this.config.RECO_DEFAULT_LIMIT;
    return this.getRecommendations.execute(recommendationRequest(query.skus, limit));
  }
}
