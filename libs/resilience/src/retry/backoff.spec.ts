import { Backoff, BackoffProgress } from './backoff';

/** Polly's DecorrelatedJitterV2 formula, f(t) = 2^t · tanh(√(4t)), scaled by base / 1.4. */
const f = (t: number): number => (t <= 0 ? 0 : 2 ** t * Math.tanh(Math.sqrt(4 * t)));

function delays(backoff: Backoff, n: number): number[] {
  const progress = new BackoffProgress(backoff);
  return Array.from({ length: n }, () => progress.nextDelayMs());
}

describe('Backoff', () => {
  afterEach(() => jest.restoreAllMocks());

  it('when the jitter is full, then every delay n lies in [0, min(cap, base × 2^n))', () => {
    // Arrange
    const base = 100;
    const cap = 1_500;
    const backoff = new Backoff(base, cap, 'full');

    // Act
    const samples = Array.from({ length: 2_000 }, () => delays(backoff, 6));

    // Assert
    for (const series of samples) {
      series.forEach((delay, n) => {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.min(cap, base * 2 ** n));
      });
    }
    // and it is really jittered: the first delays are spread over their range
    const firsts = new Set(samples.map((s) => s[0]));
    expect(firsts.size).toBeGreaterThan(50);
  });

  it('when the jitter is decorrelated, then delay n lies in [0, min(cap, (f(n+1) − f(n−1)) × base / 1.4)]', () => {
    // Arrange
    const base = 100;
    const cap = 5_000;
    const backoff = new Backoff(base, cap, 'decorrelated');

    // Act
    const samples = Array.from({ length: 2_000 }, () => delays(backoff, 6));

    // Assert
    for (const series of samples) {
      series.forEach((delay, n) => {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.min(cap, ((f(n + 1) - f(n - 1)) * base) / 1.4));
      });
    }
  });

  it('when the random source sits at its extremes, then decorrelated delays stay within the cap', () => {
    // Arrange: worst case for the upper bound is random → 1 on this attempt after 0 on the last
    const values = [0, 0.999_999, 0, 0.999_999, 0, 0.999_999, 0, 0.999_999];
    jest.spyOn(Math, 'random').mockImplementation(() => values.shift() ?? 0);
    const backoff = new Backoff(500, 2_000, 'decorrelated');

    // Act
    const series = delays(backoff, 8);

    // Assert
    for (const delay of series) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(2_000);
    }
    expect(series.at(-1)).toBe(2_000);
  });
});
