import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  ApiProblems,
  IDEMPOTENCY_PROBLEMS,
  INBOUND_PIPELINE_PROBLEMS,
  JSON_BODY_PROBLEMS,
  openApiResponseSchema,
  openApiSchema,
  SERVICE_AUTH_PROBLEMS,
  ServiceOnly,
  VALIDATION_PROBLEMS,
  ZodValidationPipe,
} from '@rc/platform';
import { idempotentClaim, idempotentCompletion, isoTimestampSql } from '@rc/resilience';
import { Criticality, Idempotent } from '@rc/resilience/nest';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { ChargePayment } from '../application/charge-payment.command';
import { GetPayment } from '../application/get-payment.query';
import { ListPayments } from '../application/list-payments.query';
import { RefundPayment } from '../application/refund-payment.command';
import {
  type ChargeBody,
  chargeBodySchema,
  listQuerySchema,
  paymentIdSchema,
  paymentListResponseSchema,
  paymentProblems,
  paymentResponseSchema,
  paymentView,
} from './payment.dto';

const paymentId = new ZodValidationPipe(paymentIdSchema);
const payment = openApiResponseSchema(paymentResponseSchema);
/** What every payment route may answer: no service token, bad parameters, the pipeline. */
const routeProblems = [SERVICE_AUTH_PROBLEMS, VALIDATION_PROBLEMS, INBOUND_PIPELINE_PROBLEMS];
const idempotencyHeader = {
  name: 'Idempotency-Key',
  required: true,
  description:
    'Checkout sends order:<orderId>:charge. A retry replays the first answer, a decline (402) included.',
};

/**
 * Charges and refunds: the checkout saga's payment step and its compensation. Platform services
 * only (checkout): every route wants a service token.
 */
@ApiTags('payments')
@ServiceOnly()
@Criticality('CRITICAL')
@Controller('v1/payments')
export class PaymentsController {
  constructor(
    @Inject(ChargePayment) private readonly chargePayment: ChargePayment,
    @Inject(RefundPayment) private readonly refundPayment: RefundPayment,
    @Inject(GetPayment) private readonly getPayment: GetPayment,
    @Inject(ListPayments) private readonly listPayments: ListPayments,
  ) {}

  /**
   * 201 when this call captured; 200 with the payment when the same charge was captured before.
   * The key is claimed by the charge's first statement: nothing before it has an effect.
   */
  @Post()
  @Idempotent({ claimInStatement: true })
  @ApiHeader(idempotencyHeader)
  @ApiBody({ schema: openApiSchema(chargeBodySchema) })
  @ApiCreatedResponse({ schema: payment, description: 'Captured by this call.' })
  @ApiOkResponse({ schema: payment, description: 'The same charge was captured before.' })
  @ApiProblems(...routeProblems, JSON_BODY_PROBLEMS, IDEMPOTENCY_PROBLEMS, paymentProblems.charge)
  @ApiOperation({
    summary: 'Charge a card for an order; 402 PAYMENT.DECLINED, 503 PAYMENT.PROVIDER_UNAVAILABLE',
  })
  async charge(
    @Body(new ZodValidationPipe(chargeBodySchema)) body: ChargeBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // The claim's statement claims the Idempotency-Key, the capture's stores the 201 answer
    // with it (no round trip of their own); its updatedAt is the capture's own now().
    const { payment, created } = await this.chargePayment.execute(body, {
      alsoOnClaim: idempotentClaim,
      alsoOnCapture: (captured) =>
        idempotentCompletion(
          { status: 201, headers: {}, body: paymentView(captured) },
          { bodyFromSql: { updatedAt: isoTimestampSql('now()') } },
        ),
    });
    if (!created) void reply.status(200);
    return paymentView(payment);
  }

  @Post(':paymentId/refund')
  @HttpCode(200)
  @Idempotent()
  @ApiHeader(idempotencyHeader)
  @ApiOperation({
    summary:
      'Refund a captured payment in full (idempotent); 202 when the provider could not refund yet (recorded, retried until done); 409 PAYMENT.NOT_REFUNDABLE',
  })
  @ApiOkResponse({ schema: payment, description: 'Refunded.' })
  @ApiAcceptedResponse({
    schema: payment,
    description: 'Recorded; the provider refund is retried.',
  })
  @ApiProblems(...routeProblems, IDEMPOTENCY_PROBLEMS, paymentProblems.refund)
  async refund(
    @Param('paymentId', paymentId) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { payment, pending } = await this.refundPayment.execute(id);
    if (pending) void reply.status(202);
    return paymentView(payment);
  }

  @Get()
  @ApiOperation({ summary: 'Every payment attempt of an order, oldest first' })
  @ApiOkResponse({ schema: openApiResponseSchema(paymentListResponseSchema) })
  @ApiProblems(...routeProblems)
  async list(
    @Query(new ZodValidationPipe(listQuerySchema)) query: z.infer<typeof listQuerySchema>,
  ) {
    return { items: (await this.listPayments.execute(query.orderId)).map(paymentView) };
  }

  @Get(':paymentId')
  @ApiOperation({ summary: 'One payment; 404 PAYMENT.NOT_FOUND' })
  @ApiOkResponse({ schema: payment })
  @ApiProblems(...routeProblems, paymentProblems.get)
  async get(@Param('paymentId', paymentId) id: string) {
    return paymentView(await this.getPayment.execute(id));
  }
}
