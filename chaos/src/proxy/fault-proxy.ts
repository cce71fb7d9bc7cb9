import { connect, createServer, type Server, type Socket } from 'node:net';
import { Link } from './link';
import { parseToxic, ProxyApiError, type Toxic, type ToxicStream } from './toxics';

/** A proxy as the toxiproxy API shows it. */
export interface ProxyView {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: Toxic[];
}

/** Splits `host:port` (toxiproxy's address format). */
export function parseAddress(field: string, value: unknown): { host: string; port: number } {
  if (typeof value !== 'string') throw new ProxyApiError(400, `${field}: expected "host:port"`);
  const at = value.lastIndexOf(':');
  const port = Number(value.slice(at + 1));
  if (at < 0 || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new ProxyApiError(400, `${field}: expected "host:port", got "${value}"`);
  return { host: value.slice(0, at) || '127.0.0.1', port };
}

/**
 * One TCP proxy: listens on `listen`, forwards every connection to `upstream` through its toxics.
 * Disabling it (`enabled: false`, toxiproxy's "down") closes the listener and every open
 * connection; enabling listens again on the same address.
 */
export class FaultProxy {
  private server: Server | undefined;
  private readonly links = new Set<Link>();
  private toxics: Toxic[] = [];
  private boundListen: string;

  private constructor(
    readonly name: string,
    private listenAddress: string,
    private upstreamAddress: string,
    private isEnabled: boolean,
  ) {
    this.boundListen = listenAddress;
  }

  /** Creates a proxy and starts listening when enabled (port 0 picks a free port). */
  static async create(input: {
    name: string;
    listen: string;
    upstream: string;
    enabled?: boolean;
  }): Promise<FaultProxy> {
    parseAddress('listen', input.listen);
    parseAddress('upstream', input.upstream);
    const proxy = new FaultProxy(input.name, input.listen, input.upstream, input.enabled ?? true);
    if (proxy.isEnabled) await proxy.start();
    return proxy;
  }

  /** The API view (listen shows the bound port once listening). */
  view(): ProxyView {
    return {
      name: this.name,
      listen: this.boundListen,
      upstream: this.upstreamAddress,
      enabled: this.isEnabled,
      toxics: this.toxics.map((t) => ({ ...t, attributes: { ...t.attributes } })),
    };
  }

  /** Applies `{listen?, upstream?, enabled?}`: a changed listen address or a disable restarts. */
  async update(body: Record<string, unknown>): Promise<void> {
    if (body.upstream !== undefined) {
      parseAddress('upstream', body.upstream);
      this.upstreamAddress = body.upstream as string;
    }
    if (body.enabled !== undefined && typeof body.enabled !== 'boolean')
      throw new ProxyApiError(400, 'enabled: expected true or false');
    const enabled = body.enabled ?? this.isEnabled;
    const listenChanged = body.listen !== undefined && body.listen !== this.listenAddress;
    if (listenChanged) parseAddress('listen', body.listen);
    if (!enabled || listenChanged) await this.stop();
    if (listenChanged) this.listenAddress = body.listen as string;
    this.isEnabled = enabled;
    if (enabled && !this.server) await this.start();
  }

  /** Adds a toxic (409 when one of that name exists). */
  addToxic(input: unknown): Toxic {
    const toxic = parseToxic(input);
    if (this.toxics.some((t) => t.name === toxic.name))
      throw new ProxyApiError(409, `toxic already exists: ${toxic.name}`);
    this.toxics.push(toxic);
    this.changed();
    return toxic;
  }

  /** Updates a toxic's attributes/toxicity/stream. */
  updateToxic(name: string, input: unknown): Toxic {
    const i = this.toxics.findIndex((t) => t.name === name);
    if (i < 0) throw new ProxyApiError(404, `toxic not found: ${name}`);
    const toxic = parseToxic({ ...(input as object), name }, this.toxics[i]);
    this.toxics[i] = toxic;
    this.changed();
    return toxic;
  }

  /** One toxic by name. */
  toxic(name: string): Toxic {
    const toxic = this.toxics.find((t) => t.name === name);
    if (!toxic) throw new ProxyApiError(404, `toxic not found: ${name}`);
    return toxic;
  }

  /** Removes a toxic (404 when absent). */
  removeToxic(name: string): void {
    this.toxic(name);
    this.toxics = this.toxics.filter((t) => t.name !== name);
    this.changed();
  }

  /** Removes every toxic and enables the proxy (toxiproxy's `POST /reset`). */
  async reset(): Promise<void> {
    this.toxics = [];
    this.changed();
    await this.update({ enabled: true });
  }

  /** Closes the listener and every connection. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const link of [...this.links]) link.close();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  private changed(): void {
    for (const link of this.links) link.toxicsChanged();
  }

  private toxicsOf = (stream: ToxicStream): readonly Toxic[] =>
    this.toxics.filter((t) => t.stream === stream);

  private async start(): Promise<void> {
    const { host, port } = parseAddress('listen', this.listenAddress);
    const server = createServer({ noDelay: true, allowHalfOpen: true }, (client) =>
      this.accept(client),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) =>
        reject(new ProxyApiError(409, `listen ${this.listenAddress}: ${e.message}`)),
      );
      server.listen(port, host, () => resolve());
    });
    const bound = server.address();
    if (bound && typeof bound === 'object') {
      this.boundListen = `${host}:${bound.port}`;
      // Re-enabling a port-0 proxy keeps the port it got first.
      this.listenAddress = this.boundListen;
    }
    this.server = server;
  }

  private accept(client: Socket): void {
    const { host, port } = parseAddress('upstream', this.upstreamAddress);
    client.pause();
    const server = connect({ host, port, noDelay: true, allowHalfOpen: true });
    server.once('connect', () => {
      const link = new Link(client, server, this.toxicsOf, (l) => this.links.delete(l));
      this.links.add(link);
      client.resume();
    });
    // Upstream unreachable: the client sees its connection closed, as with toxiproxy.
    server.once('error', () => {
      client.destroy();
      server.destroy();
    });
  }
}
