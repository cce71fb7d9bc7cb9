import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppError } from '@rc/platform';
import type { FastifyReply } from 'fastify';
import { ChaosCatalogue } from '../application/chaos-catalogue';

/** A report that does not exist (or a file the console does not serve): 404. */
export class ChaosReportNotFoundError extends AppError {
  readonly code = 'CONSOLE.CHAOS_REPORT_NOT_FOUND';
  readonly httpStatus = 404;
  constructor() {
    super('There is no such chaos report.');
  }
}

/** The chaos experiments of the repository, their latest verdicts and their reports. */
@ApiTags('control')
@Controller('api/control/chaos')
export class ChaosController {
  constructor(@Inject(ChaosCatalogue) private readonly chaos: ChaosCatalogue) {}

  @Get()
  @ApiOperation({ summary: 'Chaos experiments with the verdict of their latest run' })
  list() {
    return { available: this.chaos.available, experiments: this.chaos.list() };
  }

  @Get(':id/:run/:file')
  @ApiOperation({ summary: 'A file of a chaos run: report.html, timeline.svg or journal.json' })
  report(
    @Param('id') id: string,
    @Param('run') run: string,
    @Param('file') file: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Buffer {
    const found = this.chaos.reportFile(id, run, file);
    if (!found) throw new ChaosReportNotFoundError();
    reply.header('content-type', found.type);
    return found.body;
  }
}
