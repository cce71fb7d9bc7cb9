import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiProblems,
  CUSTOMER_AUTH_PROBLEMS,
  customerOf,
  CustomerOnly,
  IDEMPOTENCY_PROBLEMS,
  INBOUND_PIPELINE_PROBLEMS,
  JSON_BODY_PROBLEMS,
  openApiResponseSchema,
  openApiSchema,
  RATE_LIMITED_PROBLEMS,
  VALIDATION_PROBLEMS,
  ZodValidationPipe,
} from '@rc/platform';
import { Criticality, Idempotent } from '@rc/resilience/nest';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { GetCart } from '../application/get-cart.query';
import { RemoveCartItem } from '../application/remove-cart-item.command';
import { SetCartItem } from '../application/set-cart-item.command';
import type { Cart } from '../domain/cart';
import {
  cartIdSchema,
  cartProblems,
  cartResponseSchema,
  fullCartProblems,
  setItemBodySchema,
  skuParamSchema,
} from './cart.dto';

const cartSchema = openApiResponseSchema(cartResponseSchema);
/** What every cart route may answer: bad parameters, the pipeline, the rate limit, Redis down. */
const routeProblems = [
  CUSTOMER_AUTH_PROBLEMS,
  VALIDATION_PROBLEMS,
  INBOUND_PIPELINE_PROBLEMS,
  RATE_LIMITED_PROBLEMS,
  cartProblems,
];

/**
 * Carts over HTTP, for signed-in customers: each customer reads and writes only their own
 * carts (checkout reads one with the customer's own token, forwarded), and the rate-limit bucket
 * and the Idempotency-Key scope are that customer. Tier 2: shed after analytics and
 * recommendations, before checkout. Writes
 * need an `Idempotency-Key` (a replay returns the first response); they are also naturally
 * idempotent, since a line is SET to a quantity rather than incremented.
 */
@ApiTags('carts')
@CustomerOnly()
@Criticality('DEGRADED')
@Controller('v1/carts')
export class CartController {
  constructor(
    private readonly getCart: GetCart,
    private readonly setCartItem: SetCartItem,
    private readonly removeCartItem: RemoveCartItem,
  ) {}

  @Get(':cartId')
  @ApiOperation({ summary: 'Read a cart (an unknown or expired cart is empty, never 404).' })
  @ApiOkResponse({ schema: cartSchema })
  @ApiProblems(...routeProblems)
  async get(
    @Param('cartId', new ZodValidationPipe(cartIdSchema)) cartId: string,
    @Req() request: FastifyRequest,
  ): Promise<Cart> {
    return this.getCart.execute({ owner: ownerOf(request), cartId });
  }

  @Post(':cartId/items')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary:
      'Set the quantity of a line (SET semantics: the line ends with exactly `quantity` units).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiBody({ schema: openApiSchema(setItemBodySchema) })
  @ApiOkResponse({ schema: cartSchema })
  @ApiProblems(...routeProblems, JSON_BODY_PROBLEMS, IDEMPOTENCY_PROBLEMS, fullCartProblems)
  async setItem(
    @Param('cartId', new ZodValidationPipe(cartIdSchema)) cartId: string,
    @Body(new ZodValidationPipe(setItemBodySchema)) body: z.infer<typeof setItemBodySchema>,
    @Req() request: FastifyRequest,
  ): Promise<Cart> {
    return this.setCartItem.execute({
      owner: ownerOf(request),
      cartId,
      sku: body.sku,
      quantity: body.quantity,
    });
  }

  @Delete(':cartId/items/:sku')
  @Idempotent()
  @ApiOperation({ summary: 'Remove a line (removing a missing line is a success).' })
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiOkResponse({ schema: cartSchema })
  @ApiProblems(...routeProblems, IDEMPOTENCY_PROBLEMS)
  async removeItem(
    @Param('cartId', new ZodValidationPipe(cartIdSchema)) cartId: string,
    @Param('sku', new ZodValidationPipe(skuParamSchema)) sku: string,
    @Req() request: FastifyRequest,
  ): Promise<Cart> {
    return this.removeCartItem.execute({ owner: ownerOf(request), cartId, sku });
  }
}

/** The signed-in customer (`@CustomerOnly()` admitted the request, so there is one). */
function ownerOf(request: FastifyRequest): string {
  return customerOf(request) as string;
}
