import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import {
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
  SERVICE_CONFIG,
  VALIDATION_PROBLEMS,
  ZodValidationPipe,
} from '@rc/platform';
import { idempotentCompletion } from '@rc/resilience';
import { Criticality, Idempotent } from '@rc/resilience/nest';
import type { FastifyReply } from 'fastify';
import { CommitReservation } from '../application/commit-reservation.command';
import { GetReservation } from '../application/get-reservation.query';
import { ReleaseReservation } from '../application/release-reservation.command';
import { ReserveStock } from '../application/reserve-stock.command';
import type { InventoryConfig } from '../config/inventory.config';
import {
  inventoryProblems,
  orderIdSchema,
  reservationResponseSchema,
  reservationView,
  type ReserveBody,
  reserveBodySchema,
} from './inventory.dto';

const orderId = new ZodValidationPipe(orderIdSchema);
const reservation = openApiResponseSchema(reservationResponseSchema);
/** What every reservation route may answer: no service token, bad parameters, the pipeline. */
const routeProblems = [SERVICE_AUTH_PROBLEMS, VALIDATION_PROBLEMS, INBOUND_PIPELINE_PROBLEMS];
const idempotencyHeader = {
  name: 'Idempotency-Key',
  required: true,
  description: 'Retries with the same key replay the first answer.',
};

/**
 * Stock holds for orders: the checkout saga's inventory step. Platform services only
 * (checkout): every route wants a service token, and none is rate limited per client.
 */
@ApiTags('reservations')
@ServiceOnly()
@Criticality('CRITICAL')
@Controller('v1/reservations')
export class ReservationsController {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: InventoryConfig,
    @Inject(ReserveStock) private readonly reserve: ReserveStock,
    @Inject(CommitReservation) private readonly commitReservation: CommitReservation,
    @Inject(ReleaseReservation) private readonly releaseReservation: ReleaseReservation,
    @Inject(GetReservation) private readonly getReservation: GetReservation,
  ) {}

  /**
   * 201 when created; 200 with the existing reservation when the order already has one. The
   * reserve's one statement claims the key and stores the 201 answer with it: nothing before it
   * has an effect.
   */
  @Post()
  @Idempotent({ claimInStatement: true })
  @ApiHeader(idempotencyHeader)
  @ApiBody({ schema: openApiSchema(reserveBodySchema) })
  @ApiCreatedResponse({ schema: reservation, description: 'Reserved.' })
  @ApiOkResponse({ schema: reservation, description: 'The order already had this reservation.' })
  @ApiProblems(
    ...routeProblems,
    JSON_BODY_PROBLEMS,
    IDEMPOTENCY_PROBLEMS,
    inventoryProblems.reserve,
  )
  @ApiOperation({
    summary: 'Hold stock for an order (all lines or none); 409 INVENTORY.INSUFFICIENT_STOCK',
  })
  async create(
    @Body(new ZodValidationPipe(reserveBodySchema)) body: ReserveBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // The reserve's statement claims the Idempotency-Key and stores the 201 answer with it (one
    // round trip in all); the reservation's fields are the statement's own (prices, expiry).
    const { reservation, created } = await this.reserve.execute(
      {
        orderId: body.orderId,
        items: body.items,
        ttlSeconds: body.ttlSeconds ?? this.config.RESERVATION_DEFAULT_TTL_SECONDS,
      },
      (reservationSql) =>
        idempotentCompletion(
          { status: 201, headers: {}, body: {} },
          { bodyFromSql: reservationSql },
        ),
    );
    if (!created) void reply.status(200);
    return reservationView(reservation);
  }

  @Post(':orderId/commit')
  @HttpCode(200)
  @Idempotent()
  @ApiHeader(idempotencyHeader)
  @ApiOperation({ summary: 'The order was placed: reserved units leave stock (idempotent)' })
  @ApiOkResponse({ schema: reservation })
  @ApiProblems(...routeProblems, IDEMPOTENCY_PROBLEMS, inventoryProblems.commit)
  async commit(@Param('orderId', orderId) id: string) {
    return reservationView(await this.commitReservation.execute(id));
  }

  @Post(':orderId/release')
  @HttpCode(200)
  @Idempotent()
  @ApiHeader(idempotencyHeader)
  @ApiOperation({
    summary:
      'The order failed: reserved units become available (idempotent; tombstone when unknown)',
  })
  @ApiOkResponse({ schema: reservation })
  @ApiProblems(...routeProblems, IDEMPOTENCY_PROBLEMS, inventoryProblems.release)
  async release(@Param('orderId', orderId) id: string) {
    return reservationView(await this.releaseReservation.execute(id));
  }

  @Get(':orderId')
  @ApiOperation({ summary: 'A reservation with its lines; 404 INVENTORY.RESERVATION_NOT_FOUND' })
  @ApiOkResponse({ schema: reservation })
  @ApiProblems(...routeProblems, inventoryProblems.get)
  async get(@Param('orderId', orderId) id: string) {
    return reservationView(await this.getReservation.execute(id));
  }
}
