import { installInMemoryTracing, type InMemoryTracing, type SpanRun } from '@rc/testing';

export type { InMemoryTracing, SpanRun };

/**
 * The @rc/testing in-memory OpenTelemetry SDK for the calling test file: installed before its
 * tests, emptied before each, removed after them.
 */
export function useInMemoryTracing(): Pick<InMemoryTracing, 'exporter' | 'inSpan'> {
  let tracing: InMemoryTracing | undefined;
  const current = () => {
    if (!tracing) throw new Error('in-memory tracing is only installed while the tests run');
    return tracing;
  };
  beforeAll(() => {
    tracing = installInMemoryTracing();
  });
  afterAll(() => current().uninstall());
  beforeEach(() => current().exporter.reset());
  return {
    get exporter() {
      return current().exporter;
    },
    inSpan: (name, fn) => current().inSpan(name, fn),
  };
}
