import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { instrumentDataStores } from './data-store-instrumentations';
import { PlatformTracerProvider } from './platform-tracer-provider';

/** What {@link startTelemetry} needs. */
export interface TelemetryOptions {
  serviceName: string;
  serviceVersion: string;
  enabled: boolean;
  /** OTLP/HTTP base URL; traces go to `<endpoint>/v1/traces`. */
  endpoint: string;
  samplingRatio: number;
  /** A test exporter (e.g. InMemorySpanExporter); spans are then exported synchronously. */
  exporter?: SpanExporter;
}

/**
 * Starts the OpenTelemetry tracer provider for the process: W3C trace-context propagation, an
 * AsyncLocalStorage context manager, a parent-based ratio sampler (a span under an unsampled
 * parent is answered without the SDK: see {@link PlatformTracerProvider}), an OTLP/HTTP
 * exporter and the pg / ioredis instrumentations (CLIENT spans for queries made inside a span;
 * see {@link instrumentDataStores}). Off by default (no provider, no patching, no overhead: the API
 * stays a no-op). Returns the shutdown function, which removes the instrumentations, flushes
 * pending spans and unregisters the global provider, context manager and propagator.
 */
export function startTelemetry(options: TelemetryOptions): () => Promise<void> {
  if (!options.enabled && !options.exporter) return async () => undefined;
  const exporter =
    options.exporter ??
    new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/$/, '')}/v1/traces` });
  const processor = options.exporter
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(exporter);
  const provider = new PlatformTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion,
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.samplingRatio) }),
    spanProcessors: [processor],
  });
  provider.register();
  const uninstrument = instrumentDataStores(provider);
  return async () => {
    uninstrument();
    await provider.shutdown();
    // Unregister the globals, so a later start in the same process (tests) takes effect.
    trace.disable();
    context.disable();
    propagation.disable();
  };
}
