import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SKIP_RESILIENCE_METADATA } from './resilience.decorators';

/** The Fastify request and reply of an HTTP execution context. */
export interface HttpExchange {
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * The HTTP exchange, or undefined for non-HTTP contexts (Kafka handlers of a hybrid app, RPC),
 * which the inbound interceptors leave alone.
 */
export function httpExchange(context: ExecutionContext): HttpExchange | undefined {
  if (context.getType() !== 'http') return undefined;
  const http = context.switchToHttp();
  return { request: http.getRequest<FastifyRequest>(), reply: http.getResponse<FastifyReply>() };
}

/** `"<METHOD> <route template>"`, e.g. `"POST /v1/orders/:id"`: a bounded route name. */
export function routeName(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
}

/** Metadata of the handler, falling back to its controller. */
export function handlerMetadata<T>(
  reflector: Reflector,
  context: ExecutionContext,
  key: string,
): T | undefined {
  return reflector.getAllAndOverride<T | undefined>(key, [
    context.getHandler(),
    context.getClass(),
  ]);
}

/** Whether the handler or its controller is marked `@SkipResilience()`. */
export function isExempt(reflector: Reflector, context: ExecutionContext): boolean {
  return handlerMetadata<boolean>(reflector, context, SKIP_RESILIENCE_METADATA) === true;
}

/** Sets every header of `headers` on the reply. */
export function setHeaders(reply: FastifyReply, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
}
