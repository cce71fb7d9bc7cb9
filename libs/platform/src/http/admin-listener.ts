import { NotFoundException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AdminAddress } from '../config/admin-address';
import { toProblem } from '../errors/problem-details';

/** Marks a raw request that arrived on the admin listener. */
const ON_ADMIN_LISTENER = Symbol('rc.onAdminListener');
type MarkedRequest = IncomingMessage & { [ON_ADMIN_LISTENER]?: true };

/** Whether a route template belongs to the admin API (`/admin` and everything under it). */
export function isAdminRoute(route: string | undefined): boolean {
  return route !== undefined && (route === '/admin' || route.startsWith('/admin/'));
}

/** The admin routes of an app and the listener that serves them. */
export interface AdminListener {
  /** Whether any `/admin` route was registered (services without one open no admin port). */
  readonly hasRoutes: boolean;
  /** Starts the admin listener; resolves with its `http://host:port`. */
  listen(address: AdminAddress): Promise<string>;
  /** Stops accepting, lets in-flight requests end (cut after `closeAllConnections`). */
  close(): Promise<void>;
  /** Cuts the connections still open. */
  closeAllConnections(): void;
}

/**
 * Splits one Fastify app — one Nest DI container, the same controllers, guards and hooks — over
 * two listeners: the public port serves everything but `/admin/*`, a second `node:http` server
 * on the admin address hands its requests to the same router and serves only `/admin/*`. Each
 * side answers the other side's routes with the problem+json 404 of an unknown route, decided on
 * the route Fastify matched (not on the raw URL, so `%61dmin` or `//admin` cannot slip through).
 * Call before the app registers its routes (the routes are counted as they are added).
 */
export function installAdminListener(fastify: FastifyInstance): AdminListener {
  let adminRoutes = 0;
  let server: Server | undefined;
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (!server?.listening) return resolve();
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  fastify.addHook('onRoute', (route) => {
    if (isAdminRoute(route.url)) adminRoutes += 1;
  });
  // app.close() (graceful shutdown) closes the admin listener with the public one.
  fastify.addHook('onClose', async () => close());
  fastify.addHook('onRequest', async (request, reply) => {
    const onAdmin = (request.raw as MarkedRequest)[ON_ADMIN_LISTENER] === true;
    if (onAdmin === isAdminRoute(request.routeOptions.url)) return;
    const { problem } = toProblem(new NotFoundException(notFoundMessage(request)));
    problem.instance = request.url.split('?')[0];
    await reply.status(404).type('application/problem+json').send(problem);
  });
  return {
    get hasRoutes() {
      return adminRoutes > 0;
    },
    listen: async ({ host, port }) => {
      const admin = createServer((req, res) => {
        (req as MarkedRequest)[ON_ADMIN_LISTENER] = true;
        fastify.routing(req, res);
      });
      server = admin;
      await new Promise<void>((resolve, reject) => {
        admin.once('error', reject);
        admin.listen(port, host, () => {
          admin.off('error', reject);
          resolve();
        });
      });
      const bound = admin.address();
      const actual = typeof bound === 'object' && bound ? bound.port : port;
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}`;
    },
    close,
    closeAllConnections: () => server?.closeAllConnections(),
  };
}

/** Nest's message for an unknown route, so a hidden admin route looks like any unknown one. */
function notFoundMessage(request: FastifyRequest): string {
  return `Cannot ${request.method} ${request.url.split('?')[0]}`;
}
