import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  ApiProblems,
  INBOUND_PIPELINE_PROBLEMS,
  openApiResponseSchema,
  RATE_LIMITED_PROBLEMS,
  VALIDATION_PROBLEMS,
  ZodValidationPipe,
} from '@rc/platform';
import { Criticality } from '@rc/resilience/nest';
import type { z } from 'zod';
import { GetOrderQuery } from '../application/get-order.query';
import { orderParamsSchema, orderResponseSchema } from './checkout.dto';
import { toOrderResponse } from './checkout.mapper';

/** Order status reads (read from the primary: what the saga last committed). */
@ApiTags('orders')
@Criticality('DEGRADED')
@Controller('v1/orders')
export class OrdersController {
  constructor(private readonly getOrder: GetOrderQuery) {}

  @Get(':orderId')
  @ApiOperation({ summary: 'An order and where its saga is (status, payment, failure code).' })
  @ApiParam({ name: 'orderId', format: 'uuid' })
  @ApiOkResponse({ schema: openApiResponseSchema(orderResponseSchema) })
  @ApiProblems(VALIDATION_PROBLEMS, INBOUND_PIPELINE_PROBLEMS, RATE_LIMITED_PROBLEMS, {
    404: ['CHECKOUT.ORDER_NOT_FOUND'],
  })
  async get(
    @Param(new ZodValidationPipe(orderParamsSchema)) params: z.infer<typeof orderParamsSchema>,
  ) {
    return toOrderResponse(await this.getOrder.execute(params.orderId));
  }
}
