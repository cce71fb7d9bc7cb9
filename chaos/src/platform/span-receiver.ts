import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A span as the harness keeps it: enough to read a figure off the spans of one service. */
export interface KeptSpan {
  service: string;
  name: string;
  /** OTLP span kind (2 = SERVER, 3 = CLIENT). */
  kind: number;
  traceId: string;
  /** Start, ms since the epoch. */
  startMs: number;
  attributes: Record<string, string | number | boolean>;
}

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
};

interface OtlpJson {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: AnyValue }[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        name: string;
        kind: number;
        startTimeUnixNano: string;
        attributes?: { key: string; value: AnyValue }[];
      }[];
    }[];
  }[];
}

function valueOf(v: AnyValue): string | number | boolean | undefined {
  if (v.intValue !== undefined) return Number(v.intValue);
  return v.doubleValue ?? v.boolValue ?? v.stringValue;
}

/**
 * An OTLP/HTTP (JSON) trace endpoint for experiments that read spans (e.g. the deadline budget
 * each hop was given): services started with `OTEL_EXPORTER_OTLP_ENDPOINT=${otlp_endpoint}`
 * export to it. Keeps the most recent spans only.
 */
export class SpanReceiver {
  readonly spans: KeptSpan[] = [];
  private server: Server | undefined;

  constructor(private readonly keep = 50_000) {}

  /** Listens on a free loopback port; resolves with the endpoint. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          if (req.url === '/v1/traces')
            this.collect(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as OtlpJson);
        } catch {
          // not OTLP JSON: ignored
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }

  private collect(body: OtlpJson): void {
    for (const rs of body.resourceSpans ?? []) {
      const service = String(
        valueOf(rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value ?? {}) ?? '',
      );
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? [])
          this.spans.push({
            service,
            name: s.name,
            kind: s.kind,
            traceId: s.traceId,
            startMs: Number(BigInt(s.startTimeUnixNano) / 1_000_000n),
            attributes: Object.fromEntries(
              (s.attributes ?? [])
                .map((a) => [a.key, valueOf(a.value)])
                .filter(([, v]) => v !== undefined),
            ) as KeptSpan['attributes'],
          });
    }
    if (this.spans.length > this.keep) this.spans.splice(0, this.spans.length - this.keep);
  }
}
