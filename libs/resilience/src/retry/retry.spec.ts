import { Registry } from 'prom-client';
import { FakeClock, flushMicrotasks } from '../clock';
import { DeadlineExceededError } from '../deadline/deadline.errors';
import { runWithDeadline } from '../deadline/deadline-context';
import { ResilienceConfigError } from '../policy/resilience-config.error';
import { RetryBudget } from '../retry-budget/retry-budget';
import { AttemptTimeoutError } from '../timeout/timeout.errors';
import { Retry } from './retry';
import type { RetryConfigInput } from './retry.config';

function transient(extra: Record<string, unknown> = {}): Error {
  return Object.assign(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }), extra);
}

function setup(config: RetryConfigInput = {}, budget?: { ratio: number; minPerSecond: number }) {
  const clock = new FakeClock();
  const registry = new Registry();
  const retryBudget = budget && new RetryBudget('inventory', budget, { clock, registry });
  const retry = new Retry(
    'inventory',
    { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100, jitter: 'full', ...config },
    { clock, registry, budget: retryBudget },
  );
  return { clock, registry, retry };
}

/** Settles `promise` while driving the fake clock far enough for every backoff. */
async function drive<T>(
  clock: FakeClock,
  promise: Promise<T>,
): Promise<{ value?: T; error?: unknown }> {
  let done = false;
  const settled = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  void settled.then(() => (done = true));
  for (let step = 0; step < 600 && !done; step++) await clock.advance(100);
  return settled;
}

async function count(registry: Registry, name: string, reason: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe('Retry', () => {
  it('when an attempt fails transiently and the next succeeds, then the result is returned and the retry counted', async () => {
    // Arrange
    const { clock, registry, retry } = setup();
    let attempts = 0;
    const fn = async () => {
      attempts++;
      if (attempts === 1) throw transient();
      return 'ok';
    };

    // Act
    const outcome = await drive(clock, retry.execute(fn));

    // Assert
    expect(outcome.value).toBe('ok');
    expect(attempts).toBe(2);
    expect(await count(registry, 'resilience_retry_retries_total', 'connection_error')).toBe(1);
  });

  it('when every attempt fails transiently, then it stops after exactly maxAttempts and rethrows the last error', async () => {
    const { clock, registry, retry } = setup({ maxAttempts: 4 });
    const errors: Error[] = [];
    const fn = async () => {
      const error = transient();
      errors.push(error);
      throw error;
    };

    const outcome = await drive(clock, retry.execute(fn));

    expect(errors).toHaveLength(4);
    expect(outcome.error).toBe(errors[3]);
    expect(await count(registry, 'resilience_retry_gave_up_total', 'max_attempts')).toBe(1);
  });

  it.each([0, 11, 2.5, Infinity, Number.NaN])(
    'when maxAttempts is %p, then construction fails naming the key',
    (n) => {
      expect(() => setup({ maxAttempts: n })).toThrow(ResilienceConfigError);
      expect(() => setup({ maxAttempts: n })).toThrow(/retry\.maxAttempts/);
    },
  );

  it('when the error is not transient, then it is not retried', async () => {
    const { clock, registry, retry } = setup();
    let attempts = 0;

    const outcome = await drive(
      clock,
      retry.execute(async () => {
        attempts++;
        throw new Error('validation failed');
      }),
    );

    expect(attempts).toBe(1);
    expect(outcome.error).toEqual(new Error('validation failed'));
    expect(await count(registry, 'resilience_retry_gave_up_total', 'not_transient')).toBe(1);
  });

  it('when a POST without idempotency key fails after being sent, then it is not retried', async () => {
    const { clock, registry, retry } = setup();
    let attempts = 0;

    await drive(
      clock,
      retry.execute(
        async () => {
          attempts++;
          throw new AttemptTimeoutError(100);
        },
        { method: 'POST' },
      ),
    );

    expect(attempts).toBe(1);
    expect(await count(registry, 'resilience_retry_gave_up_total', 'non_idempotent')).toBe(1);
  });

  it('when a POST carries an idempotency key, or was flagged idempotent, then it is retried', async () => {
    const { clock, retry } = setup({ maxAttempts: 2 });
    let attempts = 0;
    const fn = async () => {
      attempts++;
      throw new AttemptTimeoutError(100);
    };

    await drive(clock, retry.execute(fn, { method: 'POST', idempotencyKey: 'order:1:charge' }));
    await drive(clock, retry.execute(fn, { method: 'PATCH', idempotent: true }));

    expect(attempts).toBe(4);
  });

  it('when a non-idempotent call is flagged or was never sent, then the flag and the not-sent fact decide', async () => {
    // Arrange
    const { clock, retry } = setup({ maxAttempts: 2 });
    let flagged = 0;
    let refused = 0;

    // Act
    await drive(
      clock,
      retry.execute(
        async () => {
          flagged++;
          throw transient();
        },
        { idempotent: false },
      ),
    );
    await drive(
      clock,
      retry.execute(
        async () => {
          refused++;
          throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
        },
        { method: 'POST' },
      ),
    );

    // Assert: flagged unsafe → once; connection refused → the POST never left → retried
    expect(flagged).toBe(1);
    expect(refused).toBe(2);
  });

  it('when the error carries Retry-After longer than the backoff, then the retry waits for it', async () => {
    // Arrange
    const { clock, retry } = setup({ maxDelayMs: 100 });
    const startedAt: number[] = [];
    const fn = async () => {
      startedAt.push(clock.now());
      if (startedAt.length === 1) throw transient({ retryAfterMs: 1_500 });
      return 'ok';
    };

    // Act
    const pending = retry.execute(fn);
    await flushMicrotasks();
    await clock.advance(1_499);
    const before = startedAt.length;
    await clock.advance(1);

    // Assert
    expect(before).toBe(1);
    expect(await pending).toBe('ok');
    expect((startedAt[1] ?? 0) - (startedAt[0] ?? 0)).toBe(1_500);
  });

  it('when Retry-After exceeds maxRetryAfterMs, then it gives up instead of waiting', async () => {
    const { clock, registry, retry } = setup({ maxRetryAfterMs: 1_000 });
    let attempts = 0;

    await drive(
      clock,
      retry.execute(async () => {
        attempts++;
        throw transient({ retryAfterMs: 30_000 });
      }),
    );

    expect(attempts).toBe(1);
    expect(await count(registry, 'resilience_retry_gave_up_total', 'retry_after_too_long')).toBe(1);
  });

  it('when the server said do-not-retry, then it is not retried', async () => {
    const { clock, registry, retry } = setup();
    let attempts = 0;

    await drive(
      clock,
      retry.execute(async () => {
        attempts++;
        throw transient({ doNotRetry: true });
      }),
    );

    expect(attempts).toBe(1);
    expect(await count(registry, 'resilience_retry_gave_up_total', 'do_not_retry')).toBe(1);
  });

  it('when the deadline leaves no room for the backoff, then it fails with DEADLINE_EXCEEDED caused by the last error', async () => {
    // Arrange: 50 ms left, Retry-After asks for 80 ms
    const { clock, retry } = setup();
    const last = transient({ retryAfterMs: 80 });

    // Act
    const outcome = await drive(
      clock,
      runWithDeadline(clock.now() + 50, () =>
        retry.execute(async () => {
          throw last;
        }),
      ),
    );

    // Assert
    expect(outcome.error).toBeInstanceOf(DeadlineExceededError);
    expect((outcome.error as DeadlineExceededError).cause).toBe(last);
  });

  it('when the retry budget is exhausted, then the original error is thrown without retrying', async () => {
    const { clock, registry, retry } = setup({}, { ratio: 0, minPerSecond: 0 });
    const error = transient();
    let attempts = 0;

    const outcome = await drive(
      clock,
      retry.execute(async () => {
        attempts++;
        throw error;
      }),
    );

    expect(attempts).toBe(1);
    expect(outcome.error).toBe(error);
    expect(await count(registry, 'resilience_retry_gave_up_total', 'budget_exhausted')).toBe(1);
  });

  it('when the caller cancels during the backoff, then it stops with the cancellation reason', async () => {
    const { clock, retry } = setup();
    const controller = new AbortController();
    let attempts = 0;
    const pending = retry.execute(
      async () => {
        attempts++;
        throw transient();
      },
      { signal: controller.signal },
    );
    await clock.advance(0);

    controller.abort(new Error('client went away'));

    await expect(pending).rejects.toThrow('client went away');
    expect(attempts).toBe(1);
  });
});
