import { Registry } from 'prom-client';
import { FakeClock } from '../clock';
import { ResilienceConfigError } from '../policy/resilience-config.error';
import { CircuitBreaker } from './circuit-breaker';
import type { CircuitBreakerConfigInput } from './circuit-breaker.config';
import { CircuitOpenError } from './circuit-breaker.errors';
import type { CircuitStateChange } from './circuit-state';

const countWindow = { type: 'count', size: 10 } as const;

function setup(config: CircuitBreakerConfigInput = {}) {
  const clock = new FakeClock();
  const registry = new Registry();
  const breaker = new CircuitBreaker(
    'payment',
    { window: countWindow, minimumNumberOfCalls: 4, openDurationMs: 1_000, ...config },
    { clock, registry },
  );
  return { clock, registry, breaker };
}

/** Records `n` calls of `durationMs` through the low-level permit API. */
function calls(breaker: CircuitBreaker, n: number, failed: boolean, durationMs = 1): void {
  for (let i = 0; i < n; i++) breaker.record(breaker.acquire(), durationMs, failed);
}

function rejection(breaker: CircuitBreaker): CircuitOpenError {
  try {
    breaker.acquire();
  } catch (error) {
    if (error instanceof CircuitOpenError) return error;
    throw error;
  }
  throw new Error('expected the breaker to reject');
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string>) {
  const metric = await registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) =>
    Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return match?.value ?? 0;
}

describe('CircuitBreaker', () => {
  it('when the failure rate reaches the threshold after the minimum calls, then it opens and fails fast with CIRCUIT_OPEN', () => {
    // Arrange
    const { breaker } = setup({ failureRateThreshold: 50 });
    calls(breaker, 2, false);
    calls(breaker, 1, true);
    expect(breaker.state).toBe('closed');

    // Act: 2 failures of 4 calls = 50%
    calls(breaker, 1, true);

    // Assert
    expect(breaker.state).toBe('open');
    const error = rejection(breaker);
    expect(error.code).toBe('RESILIENCE.CIRCUIT_OPEN');
    expect(error.retryAfterMs).toBe(1_000);
    expect(error.transient).toBe(true);
  });

  it('when fewer calls than minimumNumberOfCalls failed, then it stays closed even at 100% failures', () => {
    const { breaker } = setup({ minimumNumberOfCalls: 5 });

    calls(breaker, 4, true);

    expect(breaker.state).toBe('closed');
  });

  it('when most calls succeed but slowly, then the slow-call rate opens it', async () => {
    // Arrange
    const { breaker, registry } = setup({ slowCallDurationMs: 100, slowCallRateThreshold: 75 });

    // Act
    calls(breaker, 1, false, 50);
    calls(breaker, 2, false, 101);
    expect(breaker.state).toBe('closed');
    calls(breaker, 1, false, 150);

    // Assert: 3 of 4 slow = 75%
    expect(breaker.state).toBe('open');
    expect(
      await metricValue(registry, 'resilience_circuit_breaker_calls_total', {
        outcome: 'slow_success',
      }),
    ).toBe(3);
  });

  it('when a call takes exactly slowCallDurationMs, then it is not slow', () => {
    const { breaker } = setup({ slowCallDurationMs: 100, slowCallRateThreshold: 50 });

    calls(breaker, 4, false, 100);

    expect(breaker.state).toBe('closed');
  });

  it('when only calls older than the time window failed, then they no longer count', async () => {
    // Arrange
    const { breaker, clock } = setup({ window: { type: 'time', durationMs: 10_000, buckets: 10 } });
    calls(breaker, 3, true);

    // Act
    await clock.advance(10_000);
    calls(breaker, 4, false);
    calls(breaker, 1, true);

    // Assert: only 1 failure of 5 in the window
    expect(breaker.state).toBe('closed');
  });

  it('when failures fall within the time window, then they open it', async () => {
    const { breaker, clock } = setup({ window: { type: 'time', durationMs: 10_000, buckets: 10 } });
    calls(breaker, 2, true);

    await clock.advance(5_000);
    calls(breaker, 2, true);

    expect(breaker.state).toBe('open');
  });

  it('when the count window is full, then only the last N calls decide', () => {
    // Arrange
    const { breaker } = setup({ window: { type: 'count', size: 4 }, failureRateThreshold: 50 });
    calls(breaker, 4, false);

    // Act: counting every call ever made this would be 2 of 6 (33%); the last 4 hold 2 failures
    calls(breaker, 2, true);

    // Assert
    expect(breaker.state).toBe('open');
  });

  it('when the open duration elapses, then half-open lets only the permitted probes through', async () => {
    // Arrange
    const { breaker, clock } = setup({ permittedCallsInHalfOpen: 2 });
    calls(breaker, 4, true);

    // Act
    await clock.advance(999);
    expect(rejection(breaker).retryAfterMs).toBe(1);
    await clock.advance(1);
    const first = breaker.acquire();
    const second = breaker.acquire();

    // Assert
    expect(breaker.state).toBe('half_open');
    expect(first).toBe(second);
    const extra = rejection(breaker);
    expect(extra.retryAfterMs).toBeUndefined();
  });

  it('when every probe succeeds, then it closes with an empty window', async () => {
    // Arrange
    const { breaker, clock } = setup({ permittedCallsInHalfOpen: 2 });
    calls(breaker, 4, true);
    await clock.advance(1_000);

    // Act
    calls(breaker, 2, false);

    // Assert: closed, and three new failures alone (< minimum calls) do not reopen it
    expect(breaker.state).toBe('closed');
    calls(breaker, 3, true);
    expect(breaker.state).toBe('closed');
  });

  it('when probes fail repeatedly, then each trip stays open longer, up to the cap, and a close resets it', async () => {
    // Arrange
    const { breaker, clock } = setup({
      permittedCallsInHalfOpen: 1,
      openDurationMultiplier: 2,
      maxOpenDurationMs: 3_000,
    });
    const openFor: (number | undefined)[] = [];
    breaker.onStateChange((c) => c.to === 'open' && openFor.push(c.openForMs));

    // Act: trip, then fail the probe three times
    calls(breaker, 4, true);
    for (const wait of [1_000, 2_000, 3_000]) {
      await clock.advance(wait);
      calls(breaker, 1, true);
    }
    await clock.advance(3_000);
    calls(breaker, 1, false);
    calls(breaker, 4, true);

    // Assert
    expect(openFor).toEqual([1_000, 2_000, 3_000, 3_000, 1_000]);
  });

  it('when a probe is released without an outcome, then its slot is free for another probe', async () => {
    const { breaker, clock } = setup({ permittedCallsInHalfOpen: 1 });
    calls(breaker, 4, true);
    await clock.advance(1_000);
    const permit = breaker.acquire();

    breaker.release(permit);

    expect(() => breaker.acquire()).not.toThrow();
  });

  it('when a call permitted before a transition finishes after it, then its outcome is ignored', async () => {
    // Arrange
    const { breaker, clock } = setup({ permittedCallsInHalfOpen: 1 });
    const stale = breaker.acquire();
    calls(breaker, 4, true);
    await clock.advance(1_000);
    const probe = breaker.acquire();

    // Act: the stale failure must not decide the half-open verdict
    breaker.record(stale, 1, true);
    breaker.record(probe, 1, false);

    // Assert
    expect(breaker.state).toBe('closed');
  });

  it('when an error says countsAsFailure false (a 4xx), then it counts as a success', async () => {
    const { breaker } = setup();
    const clientError = Object.assign(new Error('404'), { countsAsFailure: false });

    for (let i = 0; i < 6; i++)
      await expect(breaker.execute(() => Promise.reject(clientError))).rejects.toBe(clientError);

    expect(breaker.state).toBe('closed');
  });

  it('when it changes state, then listeners get each transition and the metrics follow', async () => {
    // Arrange
    const { breaker, clock, registry } = setup({ permittedCallsInHalfOpen: 1 });
    const changes: CircuitStateChange[] = [];
    breaker.onStateChange((c) => changes.push(c));

    // Act
    calls(breaker, 4, true);
    expect(
      await metricValue(registry, 'resilience_circuit_breaker_state', { dependency: 'payment' }),
    ).toBe(2);
    await clock.advance(1_000);
    calls(breaker, 1, false);
    expect(() => rejection(breaker)).toThrow();

    // Assert
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual([
      'closed->open',
      'open->half_open',
      'half_open->closed',
    ]);
    expect(changes[0]?.reason).toMatch(/failure rate 100\.0% >= 50%/);
    expect(
      await metricValue(registry, 'resilience_circuit_breaker_state', { dependency: 'payment' }),
    ).toBe(0);
    expect(
      await metricValue(registry, 'resilience_circuit_breaker_transitions_total', {
        from: 'closed',
        to: 'open',
      }),
    ).toBe(1);
    expect(
      await metricValue(registry, 'resilience_circuit_breaker_calls_total', { outcome: 'failure' }),
    ).toBe(4);
  });

  it('when a listener throws, then the call path is unaffected', () => {
    const { breaker } = setup();
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    breaker.onStateChange(() => {
      throw new Error('listener bug');
    });

    calls(breaker, 4, true);

    expect(breaker.state).toBe('open');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('listener bug'));
    warn.mockRestore();
  });

  it('when disabled, then it never rejects', () => {
    const { breaker } = setup({ enabled: false });

    calls(breaker, 20, true);

    expect(() => breaker.acquire()).not.toThrow();
  });

  it('when the configuration is invalid, then the error names each bad key', () => {
    const build = () =>
      new CircuitBreaker('x', {
        failureRateThreshold: 0,
        window: { type: 'count', size: 5 },
        minimumNumberOfCalls: 6,
      });

    expect(build).toThrow(ResilienceConfigError);
    expect(build).toThrow(
      /breaker\.failureRateThreshold: .*breaker\.minimumNumberOfCalls: must be <= window\.size/,
    );
  });
});
