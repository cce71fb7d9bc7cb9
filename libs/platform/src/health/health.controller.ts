import { Controller, Get, Header, HttpStatus, Inject, Res, SetMetadata } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { HealthRegistry } from './health-registry';

/**
 * Metadata key shared with `@rc/resilience/nest`'s `@SkipResilience()`: probes and scrapes are
 * never shed, rate limited or targeted by fault injection.
 */
export const SKIP_RESILIENCE = 'rc:resilience:skip';

/** `GET /health/live` (the process runs) and `GET /health/ready` (its own dependencies answer). */
@ApiExcludeController()
@SetMetadata(SKIP_RESILIENCE, true)
@Controller('health')
export class HealthController {
  constructor(@Inject(HealthRegistry) private readonly health: HealthRegistry) {}

  @Get('live')
  @Header('cache-control', 'no-store')
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('ready')
  @Header('cache-control', 'no-store')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const { ready, checks } = await this.health.readiness();
    const status = ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE;
    // The failures' own messages stay in the process (they can name hosts, users, databases).
    const answer = Object.fromEntries(
      Object.entries(checks).map(([name, { detail: _detail, ...shown }]) => [name, shown]),
    );
    await reply.status(status).send({
      status: ready ? 'up' : 'down',
      shuttingDown: this.health.isShuttingDown,
      checks: answer,
    });
  }
}
