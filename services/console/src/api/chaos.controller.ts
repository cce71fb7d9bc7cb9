import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, AppError } from '@rc/platform';
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
  @ApiOkResponse({ schema: { type: 'object', description: '`{ available, experiments }`' } })
  @ApiProblems()
  list() {
    return { available: this.chaos.available, experiments: this.chaos.list() };
  }

  @Get(':id/:run/:file')
  @ApiOperation({ summary: 'A file of a chaos run: report.html, timeline.svg or journal.json' })
  @ApiOkResponse({
    content: {
      'text/html': { schema: { type: 'string' } },
      'image/svg+xml': { schema: { type: 'string' } },
      'application/json': { schema: { type: 'object' } },
    },
  })
  @ApiProblems({ 404: ['CONSOLE.CHAOS_REPORT_NOT_FOUND'] })
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
