import { Body, Controller, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  SERVICE_CONFIG,
  ZodValidationPipe,
} from '@rc/platform';
import { idempotentClaim, idempotentCompletion } from '@rc/resilience';
import { Criticality, Idempotent } from '@rc/resilience/nest';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type PlacedOrder, PlaceOrderHandler } from '../application/place-order.command';
import type { CheckoutConfig } from '../config/checkout.config';
import {
  checkoutBodySchema,
  checkoutProblems,
  checkoutResponseSchema,
  type CheckoutBody,
} from './checkout.dto';
import { DEGRADED_HEADER, toCheckoutResponse } from './checkout.mapper';

/**
 * The checkout saga over HTTP, for signed-in customers. CRITICAL (shed last), idempotent per
 * customer and `Idempotency-Key`; the customer is the one the bearer token names (a body
 * `customerId`, if sent, must be the same); the body is validated before anything runs.
 */
@ApiTags('checkout')
@CustomerOnly()
@Criticality('CRITICAL')
@Controller('v1/checkout')
export class CheckoutController {
  constructor(
    private readonly placeOrder: PlaceOrderHandler,
    @Inject(SERVICE_CONFIG) private readonly config: CheckoutConfig,
  ) {}

  @Post()
  @HttpCode(201)
  // The order's INSERT claims the key: what comes before it (the cart and price reads) has no
  // effect, and runs again only for a retry whose key expired.
  @Idempotent({ claimInStatement: true })
  @ApiOperation({
    summary:
      'Place an order: resolve lines (cart, or the body as fallback), price, reserve, charge, confirm.',
  })
  @ApiHeader({ name: 'idempotency-key', required: true, description: 'Retry with the same key.' })
  @ApiHeader({
    name: 'x-request-timeout-ms',
    required: false,
    description: 'Budget (default 3 s).',
  })
  @ApiBody({ schema: openApiSchema(checkoutBodySchema) })
  @ApiCreatedResponse({
    schema: openApiResponseSchema(checkoutResponseSchema),
    description: `Confirmed. Header ${DEGRADED_HEADER} lists fallbacks used (cart, recommendations).`,
  })
  @ApiProblems(
    CUSTOMER_AUTH_PROBLEMS,
    JSON_BODY_PROBLEMS,
    IDEMPOTENCY_PROBLEMS,
    INBOUND_PIPELINE_PROBLEMS,
    RATE_LIMITED_PROBLEMS,
    checkoutProblems,
  )
  async checkout(
    @Headers('idempotency-key') idempotencyKey: string,
    @Body(new ZodValidationPipe(checkoutBodySchema)) body: CheckoutBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // The guard admitted a customer (and refused a body naming another one, 403).
    const customerId = customerOf(request) as string;
    const authorization = request.headers.authorization as string;
    // The saga runs under the request's deadline (the inbound pipeline's DeadlineInterceptor:
    // x-request-timeout-ms, else CHECKOUT_DEFAULT_DEADLINE_MS, clamped to
    // CHECKOUT_MAX_DEADLINE_MS), which bounds every outbound call; with
    // RESILIENCE_PIPELINE_ENABLED=false (the benchmark's baseline) it runs unbounded.
    const placed = await this.placeOrder.execute({
      customerId,
      // Forwarded to the cart service, which keeps each customer's carts apart.
      credentials: authorization,
      idempotencyKey,
      cartId: body.cartId,
      items: body.items,
      paymentToken: body.payment.token,
      // The order's INSERT claims the Idempotency-Key, the confirm's statement stores this
      // answer with it (no round trip of the key's own).
      claim: idempotentClaim,
      completion: (answer) =>
        idempotentCompletion({
          status: 201,
          headers: answerHeaders(answer),
          body: toCheckoutResponse(answer),
        }),
    });
    void reply.headers(answerHeaders(placed));
    return toCheckoutResponse(placed);
  }
}

/** The headers of a confirmed checkout's answer. */
function answerHeaders(placed: PlacedOrder): Record<string, string> {
  return {
    location: `/v1/orders/${placed.order.id}`,
    ...(placed.degraded.length > 0 ? { [DEGRADED_HEADER]: placed.degraded.join(',') } : {}),
  };
}
