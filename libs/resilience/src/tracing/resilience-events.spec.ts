import { Registry } from 'prom-client';
import { useInMemoryTracing } from '../../test/support/in-memory-tracing';
import { CircuitBreaker } from '../circuit-breaker/circuit-breaker';
import { FakeClock } from '../clock';
import { AdaptiveConcurrencyLimiter } from '../load-shedding/adaptive-concurrency-limiter';
import { AimdLimit } from '../load-shedding/aimd-limit';
import { ResiliencePolicy } from '../policy/resilience-policy';
import { RESILIENCE_EVENTS } from './resilience-events';

/** An error the default classifier treats as transient (a reset connection). */
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

// The toolkit's decisions as events on the span active where they are taken (real SDK).
describe('resilience decisions in traces', () => {
  const tracing = useInMemoryTracing();

  it('when a transient failure is retried, then the active span gets resilience.retry with attempt, delay and reason', async () => {
    // Arrange
    const policy = new ResiliencePolicy(
      'payment',
      { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } },
      { registry: new Registry() },
    );
    let calls = 0;
    const flaky = async () => {
      if (++calls === 1) throw reset();
      return 'ok';
    };

    // Act
    const { span } = await tracing.inSpan('charge', () => policy.execute(flaky));

    // Assert
    expect(span.events.map((e) => e.name)).toEqual([RESILIENCE_EVENTS.retry]);
    expect(span.events[0]?.attributes).toMatchObject({
      'resilience.dependency': 'payment',
      'resilience.attempt': 1,
      'resilience.reason': 'connection_error',
    });
    expect(span.events[0]?.attributes?.['resilience.retry.delay_ms']).toBeLessThanOrEqual(2);
  });

  it('when a POST without idempotency key fails transiently, then the span says it was not retried and why', async () => {
    // Arrange
    const policy = new ResiliencePolicy('payment', {}, { registry: new Registry() });

    // Act
    const { span, error } = await tracing.inSpan('charge', () =>
      policy.execute(() => Promise.reject(reset()), { method: 'POST' }),
    );

    // Assert
    expect(error).toMatchObject({ code: 'ECONNRESET' });
    expect(span.events.map((e) => [e.name, e.attributes?.['resilience.reason']])).toEqual([
      [RESILIENCE_EVENTS.retryGaveUp, 'non_idempotent'],
    ]);
  });

  it('when a failure is not transient, then no retry decision is recorded', async () => {
    // Arrange
    const policy = new ResiliencePolicy('payment', {}, { registry: new Registry() });

    // Act
    const { span } = await tracing.inSpan('charge', () =>
      policy.execute(() => Promise.reject(new Error('bad input'))),
    );

    // Assert
    expect(span.events).toEqual([]);
  });

  it('when calls trip the breaker, then the span of the call that tripped it records closed → open', async () => {
    // Arrange
    const clock = new FakeClock();
    const breaker = new CircuitBreaker(
      'inventory',
      {
        window: { type: 'count', size: 4 },
        minimumNumberOfCalls: 2,
        failureRateThreshold: 50,
        openDurationMs: 1_000,
      },
      { clock, registry: new Registry() },
    );
    breaker.record(breaker.acquire(), 1, false);

    // Act
    const { span } = await tracing.inSpan('reserve', () =>
      breaker.record(breaker.acquire(), 1, true),
    );

    // Assert
    const change = span.events.find((e) => e.name === RESILIENCE_EVENTS.circuitStateChange);
    expect(change?.attributes).toEqual({
      'resilience.circuit_breaker.name': 'inventory',
      'resilience.circuit_breaker.from': 'closed',
      'resilience.circuit_breaker.to': 'open',
      'resilience.circuit_breaker.open_for_ms': 1_000,
      'resilience.reason': expect.stringContaining('failure rate'),
    });
  });

  it('when a breaker changes state outside any span, then nothing is recorded and nothing breaks', () => {
    // Arrange
    const clock = new FakeClock();
    const breaker = new CircuitBreaker(
      'inventory',
      { window: { type: 'count', size: 2 }, minimumNumberOfCalls: 1, openDurationMs: 1_000 },
      { clock, registry: new Registry() },
    );

    // Act
    breaker.record(breaker.acquire(), 1, true);

    // Assert
    expect(breaker.state).toBe('open');
    expect(tracing.exporter.getFinishedSpans()).toEqual([]);
  });

  it('when a request is shed at the concurrency limit, then the span records its criticality and the reason', async () => {
    // Arrange: limit 2 -> SHEDDABLE may fill half of it; one request in flight fills that
    const limiter = new AdaptiveConcurrencyLimiter({
      name: 'checkout',
      algorithm: new AimdLimit({ initialLimit: 2, minLimit: 2, maxLimit: 2 }),
      registry: new Registry(),
    });
    const held = limiter.acquire('CRITICAL');

    // Act
    const { span, error } = await tracing.inSpan('GET /v1/recommendations', () =>
      limiter.acquire('SHEDDABLE'),
    );
    held.release('ignore');

    // Assert
    expect(error).toMatchObject({ code: 'RESILIENCE.LOAD_SHED' });
    expect(span.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        RESILIENCE_EVENTS.shed,
        {
          'resilience.reason': 'concurrency_limit',
          'resilience.criticality': 'SHEDDABLE',
          'resilience.limiter': 'checkout',
        },
      ],
    ]);
  });
});
