import { fullJitterDelay, sleep } from './backoff';

describe('fullJitterDelay', () => {
  const options = { baseMs: 100, maxMs: 1_000 };

  it('when the random source is at its top, then the delay is the exponential ceiling', () => {
    const top = () => 0.999_999;

    const delays = [1, 2, 3, 4].map((attempt) => fullJitterDelay(attempt, options, top));

    expect(delays).toEqual([99, 199, 399, 799]);
  });

  it('when attempts grow large, then the delay never exceeds maxMs', () => {
    const delay = fullJitterDelay(60, options, () => 0.999_999);

    expect(delay).toBeLessThan(1_000);
    expect(delay).toBeGreaterThan(990);
  });

  it('when the random source is zero, then the delay is zero (full jitter spans the window)', () => {
    expect(fullJitterDelay(5, options, () => 0)).toBe(0);
  });
});

describe('sleep', () => {
  it('when the signal aborts, then it resolves early instead of waiting', async () => {
    // Arrange
    const controller = new AbortController();
    const started = performance.now();

    // Act
    const sleeping = sleep(5_000, controller.signal);
    setTimeout(() => controller.abort(), 10);
    await sleeping;

    // Assert
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('when not aborted, then it waits about the requested time', async () => {
    const started = performance.now();

    await sleep(30);

    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });
});
