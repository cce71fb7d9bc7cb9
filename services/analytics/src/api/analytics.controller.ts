import { Controller, Get, Header, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { GetProductSales } from '../application/get-product-sales.query';
import { GetSummary } from '../application/get-summary.query';
import type { AnalyticsConfig } from '../config/analytics.config';
import type { AnalyticsSummary, ProductSales } from '../domain/analytics';
import {
  productQuerySchema,
  productResponseSchema,
  skuParamSchema,
  summaryQuerySchema,
  summaryResponseSchema,
} from './analytics.dto';

/**
 * Read side of analytics. Tier 4 and SHEDDABLE: refused first under overload. Eventually
 * consistent: the numbers trail the topics by the consumer lag.
 */
@ApiTags('analytics')
@Criticality('SHEDDABLE')
@Controller('v1/analytics')
export class AnalyticsController {
  constructor(
    private readonly getSummary: GetSummary,
    private readonly getProductSales: GetProductSales,
    @Inject(SERVICE_CONFIG) private readonly config: AnalyticsConfig,
  ) {}

  @Get('summary')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Orders, revenue, payments, cart adds and top products, for one currency.',
  })
  @ApiOkResponse({ schema: openApiResponseSchema(summaryResponseSchema) })
  @ApiProblems(VALIDATION_PROBLEMS, INBOUND_PIPELINE_PROBLEMS, RATE_LIMITED_PROBLEMS)
  async summary(
    @Query(new ZodValidationPipe(summaryQuerySchema)) query: z.infer<typeof summaryQuerySchema>,
  ): Promise<AnalyticsSummary> {
    return this.getSummary.execute({
      currency: query.currency ?? this.config.ANALYTICS_REPORTING_CURRENCY,
      top: query.top ?? this.config.ANALYTICS_TOP_PRODUCTS,
    });
  }

  @Get('products/:sku')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Units sold and revenue of one product (a SKU never sold reads as zero).',
  })
  @ApiOkResponse({ schema: openApiResponseSchema(productResponseSchema) })
  @ApiProblems(VALIDATION_PROBLEMS, INBOUND_PIPELINE_PROBLEMS, RATE_LIMITED_PROBLEMS)
  async product(
    @Param('sku', new ZodValidationPipe(skuParamSchema)) sku: string,
    @Query(new ZodValidationPipe(productQuerySchema)) query: z.infer<typeof productQuerySchema>,
  ): Promise<ProductSales & { currency: string }> {
    const currency = query.currency ?? this.config.ANALYTICS_REPORTING_CURRENCY;
    return { ...(await this.getProductSales.execute(sku, currency)), currency };
  }
}
