import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  type BeforeApplicationShutdown,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems, JSON_BODY_PROBLEMS, type ProblemCodes } from '@rc/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ControlRoom } from '../application/control-room';
import { FaultAdmin } from '../application/fault-admin';
import { LoadGenerator } from '../application/load-generator';
import { LoadSkus } from '../application/load-skus';
import { FAULT_PRESETS } from '../domain/fault-presets';
import { CustomerDirectory } from '../domain/customer-directory';
import { LOAD_POLICY, type LoadPolicy, LoadRefusedForClientError } from './load-policy';

/** A JSON object answer (its shape is the console page's, not a public contract). */
const object = (description: string) => ApiOkResponse({ schema: { type: 'object', description } });

/** The fault admin actions: the operator's token, the preset, the services' admin APIs. */
const ADMIN_ACTION: ProblemCodes = {
  401: ['CONSOLE.ADMIN_TOKEN_REJECTED'],
  502: ['CONSOLE.FAULT_ADMIN_FAILED'],
  503: ['CONSOLE.UPSTREAM_UNAVAILABLE'],
};
const PRESET: ProblemCodes = { ...ADMIN_ACTION, 404: ['CONSOLE.UNKNOWN_PRESET'] };
const LOOPBACK_ONLY: ProblemCodes = { 403: ['CONSOLE.LOAD_LOOPBACK_ONLY'] };

/** The bearer token of an `Authorization` header, or undefined. */
function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}

/**
 * The control room's API: live tiles over server-sent events, failure presets through the
 * services' admin APIs (with the operator's token, passed on and never kept; else the console's
 * own, for clients the load policy admits), the load control.
 */
@ApiTags('control')
@Controller('api/control')
export class ControlController implements BeforeApplicationShutdown {
  private readonly streams = new Set<FastifyReply>();

  constructor(
    @Inject(ControlRoom) private readonly room: ControlRoom,
    @Inject(FaultAdmin) private readonly faults: FaultAdmin,
    @Inject(LoadGenerator) private readonly load: LoadGenerator,
    @Inject(LOAD_POLICY) private readonly loadPolicy: LoadPolicy,
    @Inject(LoadSkus) private readonly loadSkus: LoadSkus,
    @Inject(CustomerDirectory) private readonly customers: CustomerDirectory,
  ) {}

  @Get('stream')
  @ApiOperation({ summary: 'Server-sent events: one `snapshot` (tiles, timeline, load) per poll' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    content: {
      'text/event-stream': { schema: { type: 'string', description: '`event: snapshot` lines' } },
    },
  })
  @ApiProblems()
  stream(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 2000\n\n');
    this.streams.add(reply);
    const unwatch = this.room.watch((snapshot) => {
      raw.write(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
    });
    request.raw.on('close', () => {
      unwatch();
      this.streams.delete(reply);
    });
  }

  @Get('snapshot')
  @ApiOperation({ summary: 'The tiles and timeline now (one poll)' })
  @object('The tiles, timeline and load.')
  @ApiProblems()
  snapshot() {
    return this.room.snapshot();
  }

  @Get('presets')
  @ApiOperation({ summary: 'The failure presets' })
  @object(
    '`{ presets, consoleAdminToken }`: consoleAdminToken says whether admin actions from this client work without a typed token.',
  )
  @ApiProblems()
  presets(@Req() request: FastifyRequest) {
    return { presets: FAULT_PRESETS, consoleAdminToken: this.consoleToken(request) !== undefined };
  }

  @Get('faults')
  @ApiOperation({ summary: 'Active fault rules of every service (admin token)' })
  @object('`{ services }`: each service with its rules (or the error asking it).')
  @ApiProblems({ 401: ['CONSOLE.ADMIN_TOKEN_REJECTED'] })
  activeFaults(@Req() request: FastifyRequest, @Headers('authorization') auth: string | undefined) {
    return this.faults.list(this.adminToken(request, auth)).then((services) => ({ services }));
  }

  @Post('presets/:id')
  @ApiOperation({ summary: 'Apply a failure preset (admin token)' })
  @ApiCreatedResponse({ schema: { type: 'object', description: 'The preset applied.' } })
  @ApiProblems(PRESET)
  apply(
    @Req() request: FastifyRequest,
    @Param('id') id: string,
    @Headers('authorization') auth: string | undefined,
  ) {
    return this.faults.apply(id, this.adminToken(request, auth));
  }

  @Delete('presets/:id')
  @ApiOperation({ summary: 'Remove a failure preset (admin token)' })
  @object('The preset removed.')
  @ApiProblems(PRESET)
  remove(
    @Req() request: FastifyRequest,
    @Param('id') id: string,
    @Headers('authorization') auth: string | undefined,
  ) {
    return this.faults.remove(id, this.adminToken(request, auth));
  }

  @Delete('faults')
  @HttpCode(204)
  @ApiOperation({ summary: 'Restore all: every fault off on every service (admin token)' })
  @ApiNoContentResponse({ description: 'Every fault off.' })
  @ApiProblems(ADMIN_ACTION)
  async restoreAll(
    @Req() request: FastifyRequest,
    @Headers('authorization') auth: string | undefined,
  ): Promise<void> {
    await this.faults.restoreAll(this.adminToken(request, auth));
  }

  @Get('load')
  @ApiOperation({ summary: 'The load control’s state' })
  @object('The load control’s state.')
  @ApiProblems()
  loadStatus() {
    return this.load.status();
  }

  @Post('load')
  @ApiOperation({ summary: 'Start open-loop checkout load: { ratePerSecond } up to the ceiling' })
  @ApiCreatedResponse({ schema: { type: 'object', description: 'The load control’s state.' } })
  @ApiProblems(JSON_BODY_PROBLEMS, LOOPBACK_ONLY, {
    400: ['HTTP.MALFORMED_BODY'],
    422: ['CONSOLE.LOAD_RATE_REFUSED'],
    503: ['CONSOLE.UPSTREAM_UNAVAILABLE', 'CONSOLE.NO_CUSTOMER_CREDENTIALS'],
  })
  async startLoad(
    @Req() request: FastifyRequest,
    @Body() body: { ratePerSecond?: unknown } | undefined,
  ) {
    this.checkClient(request);
    // Refuse a bad rate before asking inventory anything.
    this.load.checkRate(body?.ratePerSecond);
    this.customers.requireCustomers();
    return this.load.start(body?.ratePerSecond, await this.loadSkus.pick());
  }

  @Delete('load')
  @ApiOperation({ summary: 'Stop the load' })
  @object('The load control’s state.')
  @ApiProblems(LOOPBACK_ONLY)
  stopLoad(@Req() request: FastifyRequest) {
    this.checkClient(request);
    return this.load.stop();
  }

  /**
   * Ends the event streams before the HTTP server closes (Nest runs this hook first), so the
   * graceful shutdown does not wait out its grace period for connections that never end.
   */
  beforeApplicationShutdown(): void {
    this.room.stop();
    this.load.stop();
    for (const s of this.streams) s.raw.end();
    this.streams.clear();
  }

  /** The token a request typed in, else the console's own for a client the load policy admits. */
  private adminToken(request: FastifyRequest, auth: string | undefined): string | undefined {
    return bearer(auth) ?? this.consoleToken(request);
  }

  private consoleToken(request: FastifyRequest): string | undefined {
    const admitted = !this.loadPolicy.loopbackOnly || isLoopback(request.socket.remoteAddress);
    return admitted ? this.customers.adminToken : undefined;
  }

  private checkClient(request: FastifyRequest): void {
    if (this.loadPolicy.loopbackOnly && !isLoopback(request.socket.remoteAddress))
      throw new LoadRefusedForClientError();
  }
}

/** Whether an address is the machine itself (IPv4, IPv6 or IPv4-mapped IPv6). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}
