import { createServer, type Server } from 'node:http';

/** A span as received over OTLP/HTTP JSON, with the service that sent it. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
}

interface OtlpJson {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
      }[];
    }[];
  }[];
}

/** Options of {@link OtlpReceiver}. */
export interface OtlpReceiverOptions {
  /**
   * Keep every span received in {@link OtlpReceiver.spans} (default true). A benchmark that only
   * needs a real endpoint to export to turns it off and reads {@link OtlpReceiver.spansReceived}.
   */
  keepSpans?: boolean;
}

/**
 * A minimal OTLP/HTTP (JSON) trace receiver on a free loopback port: the services export to it
 * exactly as they would to a collector, and the test reads what arrived.
 */
export class OtlpReceiver {
  /** The spans received (empty with `keepSpans: false`). */
  readonly spans: ReceivedSpan[] = [];
  /** How many spans arrived, kept or not. */
  spansReceived = 0;
  /** How many export requests arrived on /v1/traces. */
  exportsReceived = 0;
  private server: Server | undefined;

  constructor(private readonly options: OtlpReceiverOptions = {}) {}

  /** Listens on a free loopback port; resolves with the base URL (the exporters' endpoint). */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/v1/traces')
          this.collect(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as OtlpJson);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  /** Closes the server. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** The spans of one trace. */
  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  private collect(body: OtlpJson): void {
    this.exportsReceived++;
    for (const rs of body.resourceSpans ?? []) {
      const service =
        rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
      for (const ss of rs.scopeSpans ?? []) {
        this.spansReceived += ss.spans?.length ?? 0;
        if (this.options.keepSpans === false) continue;
        for (const s of ss.spans ?? []) {
          this.spans.push({
            service,
            traceId: s.traceId,
            spanId: s.spanId,
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            name: s.name,
            kind: s.kind,
          });
        }
      }
    }
  }
}
