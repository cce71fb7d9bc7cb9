import type { Socket } from 'node:net';
import { toProblem } from '../errors/problem-details';

/**
 * The part of a Fastify reply used here (structural: Nest's adapter brings its own copy of
 * Fastify, whose types differ from the workspace's).
 */
interface ProblemReply {
  status(code: number): ProblemReply;
  headers(values: Record<string, string>): ProblemReply;
  type(contentType: string): ProblemReply;
  send(payload: unknown): unknown;
}

/**
 * Fastify's `frameworkErrors` option: a path its router refuses before any route or Nest filter
 * runs — a malformed percent-escape (`FST_ERR_BAD_URL`, 400) or a path parameter over
 * `maxParamLength` (`FST_ERR_MAX_PARAM_LENGTH`, 414) — is answered as problem+json like every
 * other refusal, instead of Fastify's own `application/json` body.
 */
export function frameworkErrors(error: unknown, _request: unknown, reply: unknown): void {
  const { problem, headers } = toProblem(error);
  void (reply as ProblemReply)
    .status(problem.status)
    .headers(headers)
    .type('application/problem+json')
    .send(problem);
}

/**
 * Fastify's `clientErrorHandler` option: what Node's HTTP parser refuses (headers over its
 * 16 KiB limit → 431, a request not received in time → 408, anything else malformed → 400) is
 * written straight to the socket — there is no request to route — as problem+json, then the
 * connection is closed, as Node and Fastify do by default.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const { problem } = toProblem(
      error.code === 'HPE_HEADER_OVERFLOW' || error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? error
        : { statusCode: 400 },
    );
    const body = JSON.stringify(problem);
    socket.write(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
