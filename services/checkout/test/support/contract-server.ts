import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  params: Record<string, string>;
}

/** Answers one request; may delay, or destroy the socket. */
export type ContractHandler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  handler: ContractHandler;
}

/**
 * A real HTTP server on 127.0.0.1, port 0, standing in for another platform service in adapter
 * tests: each test installs handlers that answer exactly as that service's contract says
 * (status codes, problem+json bodies with stable codes). Unrouted requests get 404 problem+json.
 */
export class ContractServer {
  readonly requests: RecordedRequest[] = [];
  private routes: Route[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ContractServer> {
    const holder: { instance?: ContractServer } = {};
    const server = createServer((req, res) => void holder.instance?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.instance = new ContractServer(server, `http://127.0.0.1:${port}`);
    return holder.instance;
  }

  /** Installs (or replaces) the handler of `"<METHOD> <path template>"`, e.g. `GET /v1/products/:sku`. */
  on(route: string, handler: ContractHandler): this {
    const [method = 'GET', template = '/'] = route.split(' ');
    const names: string[] = [];
    const source = template.replace(/:(\w+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes = this.routes.filter((r) => !(r.method === method && r.template === template));
    this.routes.push({ method, template, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  /** Forgets handlers and recorded requests (between tests). */
  reset(): void {
    this.routes = [];
    this.requests.length = 0;
  }

  /** Requests received for `method` + path prefix. */
  received(method: string, pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
      params: {},
    };
    this.requests.push(recorded);
    for (const route of this.routes) {
      const match = route.method === recorded.method ? route.pattern.exec(url.pathname) : null;
      if (!match) continue;
      route.names.forEach((name, i) => (recorded.params[name] = decodeURIComponent(match[i + 1]!)));
      await route.handler(recorded, res);
      return;
    }
    problem(res, 404, 'HTTP.NOT_FOUND', 'no such route');
  }
}

/** Sends a JSON body. */
export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Sends an RFC 9457 problem with the platform's stable `code` and extension members. */
export function problem(
  res: ServerResponse,
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/problem+json', ...headers }).end(
    JSON.stringify({
      type: `urn:problem:${code.toLowerCase()}`,
      title: code,
      status,
      detail,
      code,
      ...extra,
    }),
  );
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
