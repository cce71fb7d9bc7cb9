import { trace, type Span } from '@opentelemetry/api';
import { Registry } from 'prom-client';
import { CircuitOpenError } from '../circuit-breaker/circuit-breaker.errors';
import { fallbackReason, withFallback } from './fallback';

/** Records what withFallback does to the active span (unit test stand-in for an SDK span). */
function recordingSpan() {
  const events: { name: string; attributes: unknown }[] = [];
  const attributes: Record<string, unknown> = {};
  const span = {
    addEvent: (name: string, attrs: unknown) => events.push({ name, attributes: attrs }),
    setAttribute: (key: string, value: unknown) => (attributes[key] = value),
  } as unknown as Span;
  return { span, events, attributes };
}

async function fallbackCount(registry: Registry, reason: string): Promise<number> {
  const values = (await registry.getSingleMetric('resilience_fallback_total')?.get())?.values ?? [];
  return (
    values.find((v) => v.labels.reason === reason && v.labels.dependency === 'recommendations')
      ?.value ?? 0
  );
}

describe('withFallback', () => {
  afterEach(() => jest.restoreAllMocks());

  it('when the dependency answers, then its value is returned, not degraded', async () => {
    const registry = new Registry();

    const result = await withFallback(
      'recommendations',
      async () => ['p1'],
      () => ['best-seller'],
      { registry },
    );

    expect(result).toEqual({ value: ['p1'], degraded: false });
    expect(await fallbackCount(registry, 'circuit_open')).toBe(0);
  });

  it('when the dependency fails, then the fallback value is returned, counted and marked on the active span', async () => {
    // Arrange
    const registry = new Registry();
    const { span, events, attributes } = recordingSpan();
    jest.spyOn(trace, 'getActiveSpan').mockReturnValue(span);

    // Act
    const result = await withFallback(
      'recommendations',
      () => Promise.reject(new CircuitOpenError('recommendations', 1_000)),
      (_error, reason) => [`best-seller (${reason})`],
      { registry },
    );

    // Assert
    expect(result).toEqual({
      value: ['best-seller (circuit_open)'],
      degraded: true,
      reason: 'circuit_open',
    });
    expect(await fallbackCount(registry, 'circuit_open')).toBe(1);
    expect(events).toEqual([
      {
        name: 'resilience.fallback',
        attributes: {
          'resilience.dependency': 'recommendations',
          'resilience.reason': 'circuit_open',
        },
      },
    ]);
    expect(attributes['resilience.degraded']).toBe(true);
  });

  it('when shouldFallback rejects the error, then it is rethrown', async () => {
    const bug = new TypeError('bug');

    const pending = withFallback(
      'recommendations',
      () => Promise.reject(bug),
      () => [],
      {
        registry: new Registry(),
        shouldFallback: (e) => !(e instanceof TypeError),
      },
    );

    await expect(pending).rejects.toBe(bug);
  });

  it('when naming reasons, then HTTP errors are grouped by status class and unknown errors are "error"', () => {
    const http = Object.assign(new CircuitOpenError('x'), { status: 503 });

    expect(fallbackReason(http)).toBe('http_5xx');
    expect(fallbackReason(new Error('x'))).toBe('error');
  });
});
