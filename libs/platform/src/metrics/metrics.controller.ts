import { Controller, Get, Inject, Res, SetMetadata } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { SKIP_RESILIENCE } from '../health/health.controller';
import { ServiceMetrics } from './http-metrics';

/** `GET /metrics` in the Prometheus text format. */
@ApiExcludeController()
@SetMetadata(SKIP_RESILIENCE, true)
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(ServiceMetrics) private readonly metrics: ServiceMetrics) {}

  @Get()
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const body = await this.metrics.registry.metrics();
    await reply.header('content-type', this.metrics.registry.contentType).send(body);
  }
}
