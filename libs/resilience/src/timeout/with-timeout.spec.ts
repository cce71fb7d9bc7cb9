import { FakeClock } from '../clock';
import { AttemptTimeoutError } from './timeout.errors';
import { withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it('when the operation finishes in time, then its result is returned and its signal never fires', async () => {
    const clock = new FakeClock();
    let seen: AbortSignal | undefined;

    const result = await withTimeout(
      async (signal) => {
        seen = signal;
        return 42;
      },
      100,
      { clock },
    );

    expect(result).toBe(42);
    expect(seen?.aborted).toBe(false);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('when the operation ignores its signal and runs long, then the caller is released at the timeout', async () => {
    // Arrange
    const clock = new FakeClock();
    let seen: AbortSignal | undefined;
    const pending = withTimeout(
      (signal) => {
        seen = signal;
        return new Promise<never>(() => undefined);
      },
      100,
      { clock },
    );
    const outcome = pending.catch((error: unknown) => error);

    // Act
    await clock.advance(100);

    // Assert
    const error = await outcome;
    expect(error).toBeInstanceOf(AttemptTimeoutError);
    expect(error).toMatchObject({
      code: 'RESILIENCE.ATTEMPT_TIMEOUT',
      timeoutMs: 100,
      transient: true,
    });
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(error);
  });

  it('when the caller aborts, then the operation signal fires and the caller gets the abort reason', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const pending = withTimeout(
      (signal) => {
        seen = signal;
        return new Promise<never>(() => undefined);
      },
      1_000,
      { clock, signal: controller.signal },
    );

    controller.abort(new Error('client gone'));

    await expect(pending).rejects.toThrow('client gone');
    expect(seen?.aborted).toBe(true);
  });

  it('when run on the system clock, then a real timer bounds the wait', async () => {
    const started = performance.now();

    const pending = withTimeout(
      () => new Promise((resolve) => setTimeout(resolve, 1_000).unref()),
      20,
    );

    await expect(pending).rejects.toBeInstanceOf(AttemptTimeoutError);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
