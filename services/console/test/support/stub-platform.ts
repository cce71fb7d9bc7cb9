import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stub answers to one request. */
export interface StubAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A request the stub received. */
export interface StubRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * One HTTP server standing in for every platform service in the console's component tests:
 * `route(method, path, answer)` sets an answer, anything else is 404, and every request is
 * recorded. Real HTTP, so the console's clients, timeouts and relaying are the real ones.
 */
export class StubPlatform {
  readonly requests: StubRequest[] = [];
  private readonly routes = new Map<string, (req: StubRequest) => StubAnswer>();
  private server: Server | undefined;
  url = '';

  route(method: string, path: string, answer: StubAnswer | ((req: StubRequest) => StubAnswer)) {
    this.routes.set(`${method} ${path}`, typeof answer === 'function' ? answer : () => answer);
  }

  /** Listens on a free port, or on the same port again after {@link stop}. */
  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    const port = this.url ? Number(new URL(this.url).port) : 0;
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const request = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body,
    };
    this.requests.push(request);
    const path = request.url.split('?')[0]!;
    const answer = this.routes.get(`${request.method} ${path}`)?.(request) ?? {
      status: 404,
      body: { title: 'Not Found', detail: 'no stub' },
    };
    const text =
      answer.body === undefined
        ? ''
        : typeof answer.body === 'string'
          ? answer.body
          : JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(text);
  }
}

/** The console's `<SERVICE>_URL` and `<SERVICE>_ADMIN_URL` keys, every one pointing at `url`. */
export function serviceUrlsAt(url: string): Record<string, string> {
  return Object.fromEntries(
    ['CHECKOUT', 'CART', 'PAYMENT', 'INVENTORY', 'RECOMMENDATIONS', 'ANALYTICS'].flatMap((s) => [
      [`${s}_URL`, url],
      [`${s}_ADMIN_URL`, url],
    ]),
  );
}
