import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@rc/platform';
import { FRONT_END_FILES, type FrontEndFiles } from '../domain/front-end-files.port';

/** An unknown API route: 404 problem+json. */
export class RouteNotFoundError extends AppError {
  readonly code = 'HTTP.ROUTE_NOT_FOUND';
  readonly httpStatus = 404;
  constructor(path: string) {
    super(`There is no API route ${path}.`);
  }
}

/** The front end's page routes (web/src/routes.ts has the same list). */
export const PAGE_ROUTES = ['/', '/control'];

/**
 * Serves the built front end: hashed assets with a long cache life, the app shell for the page
 * routes, and the same shell with status 404 for any other path, where the app draws its
 * not-found page (a browser and a crawler both see the truth).
 */
@ApiExcludeController()
@Controller()
export class PagesController {
  constructor(@Inject(FRONT_END_FILES) private readonly files: FrontEndFiles) {}

  @Get('*')
  page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const path = decodeURIComponent(request.url.split('?')[0] ?? '/');
    // The API's unknown routes are API errors (problem+json), not pages.
    if (path.startsWith('/api/')) throw new RouteNotFoundError(path);
    const asset = path === '/index.html' ? undefined : this.files.get(path);
    if (asset) {
      const immutable = path.startsWith('/assets/');
      void reply
        .header('content-type', asset.type)
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .send(asset.body);
      return;
    }
    const shell = this.files.shell;
    if (!shell) {
      void reply
        .status(503)
        .header('content-type', 'text/plain; charset=utf-8')
        .send('The console front end is not built: run `npx nx build console`.');
      return;
    }
    const known = PAGE_ROUTES.includes(path.replace(/\/$/, '') || '/');
    void reply
      .status(known ? 200 : 404)
      .header('content-type', shell.type)
      .header('cache-control', 'no-cache')
      .send(shell.body);
  }
}
