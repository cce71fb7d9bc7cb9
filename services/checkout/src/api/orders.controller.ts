import { Controller, Get, Param, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  ApiProblems,
  CUSTOMER_AUTH_PROBLEMS,
  customerOf,
  CustomerOrService,
  INBOUND_PIPELINE_PROBLEMS,
  openApiResponseSchema,
  RATE_LIMITED_PROBLEMS,
  SERVICE_AUTH_PROBLEMS,
  VALIDATION_PROBLEMS,
  ZodValidationPipe,
} from '@rc/platform';
import { Criticality } from '@rc/resilience/nest';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { GetOrderQuery } from '../application/get-order.query';
import { orderParamsSchema, orderResponseSchema } from './checkout.dto';
import { toOrderResponse } from './checkout.mapper';

/**
 * Order status reads (read from the primary: what the saga last committed), by the customer who
 * placed the order (another customer's order is answered 404, as if it did not exist) or by a
 * platform service (inventory's expiry worker, with a service token).
 */
@ApiTags('orders')
@CustomerOrService()
@Criticality('DEGRADED')
@Controller('v1/orders')
export class OrdersController {
  constructor(private readonly getOrder: GetOrderQuery) {}

  @Get(':orderId')
  @ApiOperation({ summary: 'An order and where its saga is (status, payment, failure code).' })
  @ApiParam({ name: 'orderId', format: 'uuid' })
  @ApiOkResponse({ schema: openApiResponseSchema(orderResponseSchema) })
  @ApiProblems(
    CUSTOMER_AUTH_PROBLEMS,
    SERVICE_AUTH_PROBLEMS,
    VALIDATION_PROBLEMS,
    INBOUND_PIPELINE_PROBLEMS,
    RATE_LIMITED_PROBLEMS,
    { 404: ['CHECKOUT.ORDER_NOT_FOUND'] },
  )
  async get(
    @Param(new ZodValidationPipe(orderParamsSchema)) params: z.infer<typeof orderParamsSchema>,
    @Req() request: FastifyRequest,
  ) {
    return toOrderResponse(await this.getOrder.execute(params.orderId, customerOf(request)));
  }
}
