import { Registry } from 'prom-client';
import { BulkheadFullError } from '../bulkhead/bulkhead.errors';
import { CircuitOpenError } from '../circuit-breaker/circuit-breaker.errors';
import { FakeClock, flushMicrotasks } from '../clock';
import { runWithDeadline } from '../deadline/deadline-context';
import { DeadlineExceededError } from '../deadline/deadline.errors';
import { AttemptTimeoutError } from '../timeout/timeout.errors';
import type { AttemptContext } from './attempt-context';
import type { PolicyConfigInput } from './policy.config';
import { ResilienceConfigError } from './resilience-config.error';
import { ResiliencePolicy } from './resilience-policy';

/** Retries without waiting: full jitter over a 1 ms cap always yields 0 ms. */
const instantRetry = { baseDelayMs: 1, maxDelayMs: 1, jitter: 'full' } as const;

function setup(config: PolicyConfigInput = {}) {
  const clock = new FakeClock();
  const registry = new Registry();
  const policy = new ResiliencePolicy('inventory', config, { clock, registry });
  return { clock, registry, policy };
}

function transient(): Error {
  return new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
}

async function metric(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return (
    values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0
  );
}

const hang = (): Promise<never> => new Promise<never>(() => undefined);

describe('ResiliencePolicy', () => {
  it('when the call succeeds, then fn gets a signal, the attempt number and the attempt deadline', async () => {
    const { policy, clock } = setup({ attemptTimeoutMs: 300 });
    let seen: AttemptContext | undefined;

    const result = await policy.execute(async (attempt) => {
      seen = attempt;
      return 'ok';
    });

    expect(result).toBe('ok');
    expect(seen?.attempt).toBe(1);
    expect(seen?.deadlineAt).toBe(clock.now() + 300);
    await clock.advance(1_000);
    expect(seen?.signal.aborted).toBe(false); // the finished attempt's timeout never fires
  });

  it('when attempts hang, then each is cut at the attempt timeout while the deadline caps the total', async () => {
    // Arrange: 100 ms per attempt, 250 ms in total, up to 5 attempts
    const { policy, clock, registry } = setup({
      attemptTimeoutMs: 100,
      retry: { ...instantRetry, maxAttempts: 5 },
    });
    const t0 = clock.now();
    const starts: number[] = [];
    const aborts: number[] = [];
    const fn = (attempt: AttemptContext) => {
      starts.push(clock.now() - t0);
      attempt.signal.addEventListener('abort', () => aborts.push(clock.now() - t0));
      return hang();
    };

    // Act
    const outcome = runWithDeadline(t0 + 250, () => policy.execute(fn)).catch(
      (error: unknown) => error,
    );
    await clock.advance(1_000);

    // Assert
    const error = await outcome;
    expect(starts).toEqual([0, 100, 200]);
    expect(aborts).toEqual([100, 200, 250]);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ requestNotSent: false });
    expect(
      await metric(registry, 'resilience_retry_retries_total', { reason: 'attempt_timeout' }),
    ).toBe(2);
    expect(
      await metric(registry, 'resilience_deadline_exceeded_total', { stage: 'during_attempt' }),
    ).toBe(1);
    expect(await metric(registry, 'resilience_timeout_expired_total')).toBe(2);
  });

  it('when less than minRemainingMs of the deadline is left, then no attempt starts', async () => {
    const { policy, clock, registry } = setup({ minRemainingMs: 20 });
    let calls = 0;

    const pending = runWithDeadline(clock.now() + 19, () => policy.execute(async () => ++calls));

    await expect(pending).rejects.toMatchObject({
      code: 'RESILIENCE.DEADLINE_EXCEEDED',
      requestNotSent: true,
    });
    expect(calls).toBe(0);
    expect(
      await metric(registry, 'resilience_deadline_exceeded_total', { stage: 'before_attempt' }),
    ).toBe(1);
  });

  it('when the call passes an earlier deadline than the ambient one, then the earlier one wins', async () => {
    const { policy, clock } = setup({ attemptTimeoutMs: 1_000 });
    let deadlineAt = 0;

    await runWithDeadline(clock.now() + 500, () =>
      policy.execute(async (a) => (deadlineAt = a.deadlineAt), { deadlineAt: clock.now() + 200 }),
    );

    expect(deadlineAt).toBe(clock.now() + 200);
  });

  it('when the breaker is open and the retry budget is spent, then the rejection is thrown at once, unretried', async () => {
    // Arrange: trip the breaker with 4 non-transient failures; a budget with no retries at all
    const { policy, clock, registry } = setup({
      breaker: { window: { type: 'count', size: 4 }, minimumNumberOfCalls: 4, openDurationMs: 500 },
      budget: { ratio: 0, minPerSecond: 0 },
    });
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('500 from inventory');
    };
    for (let i = 0; i < 4; i++)
      await expect(policy.execute(failing)).rejects.toThrow('500 from inventory');
    expect(policy.breaker.state).toBe('open');

    // Act
    const pending = policy.execute(failing);

    // Assert: rejected by the breaker at once, and no retry probes the half-open breaker later
    await expect(pending).rejects.toBeInstanceOf(CircuitOpenError);
    await clock.advance(1_000);
    expect(calls).toBe(4);
    expect(await metric(registry, 'resilience_retry_budget_exhausted_total')).toBe(1);
  });

  it('when the breaker is open but half-opens soon and the budget allows, then the retry waits and probes', async () => {
    // Arrange
    const { policy, clock } = setup({
      breaker: {
        window: { type: 'count', size: 4 },
        minimumNumberOfCalls: 4,
        openDurationMs: 500,
        permittedCallsInHalfOpen: 1,
      },
      budget: { ratio: 0, minPerSecond: 1 },
    });
    let healthy = false;
    const fn = async (a: AttemptContext) => {
      if (!healthy) throw new Error('500 from inventory');
      return a.attempt;
    };
    for (let i = 0; i < 4; i++) await expect(policy.execute(fn)).rejects.toThrow();
    const t0 = clock.now();
    healthy = true;

    // Act
    const pending = policy.execute(fn);
    await clock.advance(500);

    // Assert: attempt 1 was the breaker's rejection, attempt 2 the successful probe
    expect(await pending).toBe(2);
    expect(clock.now() - t0).toBe(500);
    expect(policy.breaker.state).toBe('closed');
  });

  it('when the bulkhead is full, then the rejection never counts against the dependency health', async () => {
    // Arrange
    const { policy, registry } = setup({
      bulkhead: { maxConcurrent: 1, maxQueue: 0 },
      breaker: { window: { type: 'count', size: 4 }, minimumNumberOfCalls: 4 },
      retry: { maxAttempts: 1 },
    });
    const holder = policy.execute(() => hang()).catch(() => undefined);

    // Act
    for (let i = 0; i < 10; i++) {
      await expect(policy.execute(async () => 'x')).rejects.toBeInstanceOf(BulkheadFullError);
    }

    // Assert
    expect(policy.breaker.state).toBe('closed');
    expect(
      await metric(registry, 'resilience_circuit_breaker_calls_total', { outcome: 'failure' }),
    ).toBe(0);
    void holder;
  });

  it('when the caller cancels during an attempt, then fn is aborted, nothing is retried or blamed', async () => {
    // Arrange
    const { policy, registry } = setup();
    const controller = new AbortController();
    let aborted = false;
    let attempts = 0;
    const pending = policy.execute(
      (a) => {
        attempts++;
        a.signal.addEventListener('abort', () => (aborted = true));
        return hang();
      },
      { signal: controller.signal },
    );

    // Act
    controller.abort(new Error('client went away'));

    // Assert
    await expect(pending).rejects.toThrow('client went away');
    expect(aborted).toBe(true);
    expect(attempts).toBe(1);
    expect(policy.bulkhead.inFlight).toBe(1); // the hung call still holds its slot
    expect(
      await metric(registry, 'resilience_circuit_breaker_calls_total', { outcome: 'failure' }),
    ).toBe(0);
  });

  it('when callers with short deadlines keep giving up on a hung dependency past its slow-call duration, then those calls count as slow and the breaker opens', async () => {
    // Arrange: attempts of 2 s, but every caller has only 1.6 s left; slow means > 1.5 s
    const { policy, clock, registry } = setup({
      attemptTimeoutMs: 2_000,
      retry: { maxAttempts: 1 },
      breaker: {
        window: { type: 'count', size: 20 },
        minimumNumberOfCalls: 10,
        slowCallDurationMs: 1_500,
      },
    });
    const calls = Array.from({ length: 10 }, () =>
      runWithDeadline(clock.now() + 1_600, () => policy.execute(hang)).catch((e: unknown) => e),
    );

    // Act
    await clock.advance(1_600);

    // Assert: each caller got its deadline error, none is a failure, all ten are slow
    for (const e of await Promise.all(calls)) expect(e).toBeInstanceOf(DeadlineExceededError);
    expect(
      await metric(registry, 'resilience_circuit_breaker_calls_total', {
        outcome: 'slow_abandoned',
      }),
    ).toBe(10);
    expect(
      await metric(registry, 'resilience_circuit_breaker_calls_total', { outcome: 'failure' }),
    ).toBe(0);
    expect(policy.breaker.state).toBe('open');
  });

  it('when a caller gives up before the slow-call duration, then the call says nothing to the breaker', async () => {
    const { policy, clock, registry } = setup({
      attemptTimeoutMs: 2_000,
      retry: { maxAttempts: 1 },
      breaker: { minimumNumberOfCalls: 1, slowCallDurationMs: 1_500 },
    });
    const pending = runWithDeadline(clock.now() + 1_000, () => policy.execute(hang)).catch(
      (e: unknown) => e,
    );

    await clock.advance(1_000);

    expect(await pending).toBeInstanceOf(DeadlineExceededError);
    expect(
      await metric(registry, 'resilience_circuit_breaker_calls_total', {
        outcome: 'slow_abandoned',
      }),
    ).toBe(0);
    expect(policy.breaker.state).toBe('closed');
  });

  it('when an attempt times out, then the breaker records a slow failure and the next attempt can succeed', async () => {
    const { policy, clock, registry } = setup({
      attemptTimeoutMs: 100,
      breaker: { slowCallDurationMs: 50 },
      retry: instantRetry,
    });
    const pending = policy.execute((a) => (a.attempt === 1 ? hang() : Promise.resolve('second')));

    await clock.advance(100);

    expect(await pending).toBe('second');
    expect(
      await metric(registry, 'resilience_circuit_breaker_calls_total', { outcome: 'slow_failure' }),
    ).toBe(1);
  });

  it('when a dependency is down under steady load, then the budget keeps attempts per request near 1 + ratio', async () => {
    // Arrange: breaker off so only retry and budget act; 100 requests 10 ms apart, all failing
    const attemptsPerRequest = async (budgetEnabled: boolean) => {
      const { policy, clock } = setup({
        retry: { ...instantRetry, maxAttempts: 3 },
        budget: { enabled: budgetEnabled, ratio: 0.1, minPerSecond: 0 },
        breaker: { enabled: false },
      });
      let attempts = 0;
      const requests: Promise<unknown>[] = [];
      for (let i = 0; i < 100; i++) {
        requests.push(
          policy
            .execute(async () => {
              attempts++;
              throw transient();
            })
            .catch(() => undefined),
        );
        await clock.advance(10);
      }
      await clock.advance(1_000);
      await Promise.all(requests);
      return attempts / 100;
    };

    // Act
    const without = await attemptsPerRequest(false);
    const withBudget = await attemptsPerRequest(true);

    // Assert
    expect(without).toBe(3);
    expect(withBudget).toBeLessThanOrEqual(1.1);
    expect(withBudget).toBeGreaterThan(1);
  });

  it('when a timeout error is raised by fn itself, then it is treated like any other transient error', async () => {
    const { policy, clock } = setup({ retry: { ...instantRetry, maxAttempts: 2 } });
    let attempts = 0;

    const pending = policy.execute(async () => {
      attempts++;
      throw new AttemptTimeoutError(5);
    });
    await flushMicrotasks();
    await clock.advance(10);

    await expect(pending).rejects.toBeInstanceOf(AttemptTimeoutError);

    expect(attempts).toBe(2);
  });

  it('when the slow-call threshold exceeds the attempt timeout, then the config is refused naming the key', () => {
    const build = () => setup({ attemptTimeoutMs: 100, breaker: { slowCallDurationMs: 500 } });

    expect(build).toThrow(ResilienceConfigError);
    expect(build).toThrow(
      /^Invalid resilience configuration: breaker\.slowCallDurationMs: must be <= attemptTimeoutMs/,
    );
  });
});
