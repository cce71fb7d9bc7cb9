import { Controller, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ADMIN_TOKEN_PROBLEMS,
  ApiProblems,
  IDEMPOTENCY_PROBLEMS,
  openApiResponseSchema,
  SERVICE_CONFIG,
  VALIDATION_PROBLEMS,
  ZodValidationPipe,
} from '@rc/platform';
import { AdminTokenGuard, Idempotent, SkipResilience } from '@rc/resilience/nest';
import type { z } from 'zod';
import {
  RedriveDeadLetters,
  type RedriveOutcome,
} from '../application/redrive-dead-letters.command';
import type { AnalyticsConfig } from '../config/analytics.config';
import { redriveQuerySchema, redriveResponseSchema, topicParamSchema } from './analytics.dto';

/**
 * `POST /admin/dlq/:topic/redrive?limit=N`: moves up to N dead-lettered events of a consumed
 * topic back to it, after the cause was fixed (the CLI `npm run redrive` does the same).
 * Bearer admin token required; exempt from shedding, rate limits and faults so operators can
 * use it during an incident; `Idempotency-Key` required so a retried call does not move a
 * second batch.
 */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@SkipResilience()
@Controller('admin/dlq')
export class DlqAdminController {
  constructor(
    private readonly redrive: RedriveDeadLetters,
    @Inject(SERVICE_CONFIG) private readonly config: AnalyticsConfig,
  ) {}

  @Post(':topic/redrive')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Redrive a dead-letter topic (`orders` or `orders.dlq`).' })
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiOkResponse({ schema: openApiResponseSchema(redriveResponseSchema) })
  // Exempt from the pipeline (@SkipResilience): no shedding, rate limit or deadline refusals.
  @ApiProblems(VALIDATION_PROBLEMS, ADMIN_TOKEN_PROBLEMS, IDEMPOTENCY_PROBLEMS, {
    404: ['ANALYTICS.UNKNOWN_DLQ'],
  })
  async redriveTopic(
    @Param('topic', new ZodValidationPipe(topicParamSchema)) topic: string,
    @Query(new ZodValidationPipe(redriveQuerySchema)) query: z.infer<typeof redriveQuerySchema>,
  ): Promise<RedriveOutcome> {
    return this.redrive.execute({ topic, limit: query.limit ?? this.config.REDRIVE_DEFAULT_LIMIT });
  }
}
