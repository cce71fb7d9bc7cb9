import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultProxy, type ProxyView } from './fault-proxy';
import { ProxyApiError } from './toxics';

/** Version string answered on `GET /version`. */
export const FAULT_PROXY_VERSION = '2.12.0-rc-ts';

type Handler = (params: string[], body: unknown) => Promise<[number, unknown]>;

/**
 * The fault proxies and their HTTP API, the toxiproxy API (same paths, names and fields):
 * `GET /version`, `POST /reset`, `GET|POST /proxies`, `POST /populate`,
 * `GET|POST|DELETE /proxies/{proxy}`, `GET|POST /proxies/{proxy}/toxics`,
 * `GET|POST|DELETE /proxies/{proxy}/toxics/{toxic}`. Errors are `{error, status}`.
 */
export class FaultProxyServer {
  private readonly proxies = new Map<string, FaultProxy>();
  private http: Server | undefined;

  private readonly routes: [string, RegExp, Handler][] = [
    ['GET', /^\/version$/, async () => [200, FAULT_PROXY_VERSION]],
    ['POST', /^\/reset$/, async () => [204, await this.resetAll()]],
    ['GET', /^\/proxies$/, async () => [200, this.list()]],
    ['POST', /^\/proxies$/, async (_, body) => [201, await this.createProxy(body)]],
    ['POST', /^\/populate$/, async (_, body) => [201, { proxies: await this.populate(body) }]],
    ['GET', /^\/proxies\/([^/]+)$/, async ([p]) => [200, this.get(p!).view()]],
    [
      'POST',
      /^\/proxies\/([^/]+)$/,
      async ([p], body) => {
        await this.get(p!).update(asObject(body));
        return [200, this.get(p!).view()];
      },
    ],
    ['DELETE', /^\/proxies\/([^/]+)$/, async ([p]) => [204, await this.deleteProxy(p!)]],
    ['GET', /^\/proxies\/([^/]+)\/toxics$/, async ([p]) => [200, this.get(p!).view().toxics]],
    ['POST', /^\/proxies\/([^/]+)\/toxics$/, async ([p], b) => [200, this.get(p!).addToxic(b)]],
    [
      'GET',
      /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/,
      async ([p, t]) => [200, this.get(p!).toxic(t!)],
    ],
    [
      'POST',
      /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/,
      async ([p, t], b) => [200, this.get(p!).updateToxic(t!, b)],
    ],
    [
      'DELETE',
      /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/,
      async ([p, t]) => [204, this.get(p!).removeToxic(t!)],
    ],
  ];

  /** Starts the API on `port` (0 = any); resolves with its base URL. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const http = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => http.listen(port, host, () => r()));
    this.http = http;
    return `http://${host}:${(http.address() as AddressInfo).port}`;
  }

  /** Creates a proxy directly (the harness wires the platform through these at start). */
  async createProxy(body: unknown): Promise<ProxyView> {
    const b = asObject(body);
    if (typeof b.name !== 'string' || !/^[\w.-]{1,100}$/.test(b.name))
      throw new ProxyApiError(400, 'name: expected letters, digits, _ . -');
    if (this.proxies.has(b.name)) throw new ProxyApiError(409, `proxy already exists: ${b.name}`);
    if (b.enabled !== undefined && typeof b.enabled !== 'boolean')
      throw new ProxyApiError(400, 'enabled: expected true or false');
    const proxy = await FaultProxy.create({
      name: b.name,
      listen: b.listen as string,
      upstream: b.upstream as string,
      enabled: b.enabled,
    });
    this.proxies.set(b.name, proxy);
    return proxy.view();
  }

  /** Every proxy, keyed by name. */
  list(): Record<string, ProxyView> {
    return Object.fromEntries([...this.proxies].map(([name, p]) => [name, p.view()]));
  }

  /** Removes every toxic and enables every proxy. */
  async resetAll(): Promise<void> {
    for (const proxy of this.proxies.values()) await proxy.reset();
  }

  /** Stops the API and every proxy. */
  async close(): Promise<void> {
    for (const proxy of this.proxies.values()) await proxy.stop();
    this.proxies.clear();
    const http = this.http;
    this.http = undefined;
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    }
  }

  private get(name: string): FaultProxy {
    const proxy = this.proxies.get(decodeURIComponent(name));
    if (!proxy) throw new ProxyApiError(404, `proxy not found: ${name}`);
    return proxy;
  }

  private async deleteProxy(name: string): Promise<void> {
    await this.get(name).stop();
    this.proxies.delete(decodeURIComponent(name));
  }

  private async populate(body: unknown): Promise<ProxyView[]> {
    if (!Array.isArray(body)) throw new ProxyApiError(400, 'populate: expected an array');
    const out: ProxyView[] = [];
    for (const item of body) {
      const name = asObject(item).name;
      if (typeof name === 'string' && this.proxies.has(name)) await this.deleteProxy(name);
      out.push(await this.createProxy(item));
    }
    return out;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = this.routes.find(([m, re]) => m === req.method && re.test(path));
    // toxiproxy-node-client and the CLI use POST for updates; PATCH is accepted too.
    const patch =
      !route && req.method === 'PATCH'
        ? this.routes.find(([m, re]) => m === 'POST' && re.test(path) && /\/[^/]+$/.test(path))
        : undefined;
    const chosen = route ?? patch;
    try {
      if (!chosen) throw new ProxyApiError(404, `no route ${req.method} ${path}`);
      const params = chosen[1].exec(path)!.slice(1);
      const [status, payload] = await chosen[2](params, await readJson(req));
      reply(res, status, payload);
    } catch (e) {
      const status = e instanceof ProxyApiError ? e.status : 500;
      reply(res, status, { error: e instanceof Error ? e.message : String(e), status });
    }
  }
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ProxyApiError(400, 'expected a JSON object');
  return body as Record<string, unknown>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ProxyApiError(400, 'body: not valid JSON');
  }
}

function reply(res: ServerResponse, status: number, payload: unknown): void {
  if (status === 204 || payload === undefined) {
    res.writeHead(status).end();
    return;
  }
  if (typeof payload === 'string') {
    res.writeHead(status, { 'content-type': 'text/plain' }).end(payload);
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
}
