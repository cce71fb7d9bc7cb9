import { Gradient2Limit } from './gradient2-limit';

/** Feeds `n` samples with the given RTT from a saturated service (in flight = limit). */
function feed(limit: Gradient2Limit, n: number, rttMs: number): number[] {
  const seen: number[] = [];
  for (let i = 0; i < n; i++) {
    seen.push(limit.update({ rttMs, inflight: Math.ceil(limit.limit), dropped: false }));
  }
  return seen;
}

describe('Gradient2Limit', () => {
  it('when latency stays at its baseline under load, then the limit grows towards the maximum', () => {
    // Arrange
    const limit = new Gradient2Limit({ initialLimit: 20, minLimit: 5, maxLimit: 100 });

    // Act
    const seen = feed(limit, 200, 10);

    // Assert
    expect(seen[0]).toBeGreaterThan(20);
    expect(limit.limit).toBe(100);
  });

  it('when latency rises then falls, then the limit shrinks and grows back', () => {
    // Arrange: a warmed-up limiter at a healthy 10 ms baseline
    const limit = new Gradient2Limit({ initialLimit: 50, minLimit: 5, maxLimit: 100 });
    feed(limit, 300, 10);
    const healthy = limit.limit;

    // Act
    const duringSlowdown = feed(limit, 40, 60);
    const slowest = Math.min(...duringSlowdown);
    const duringRecovery = feed(limit, 300, 10);

    // Assert: shrinks by a large factor while queueing, then climbs back to the healthy limit
    expect(healthy).toBe(100);
    expect(slowest).toBeLessThan(healthy / 4);
    expect(Math.max(...duringSlowdown.slice(1))).toBeLessThan(duringSlowdown[0]!);
    expect(duringRecovery.at(-1)).toBe(100);
    expect(duringRecovery[10]!).toBeGreaterThan(slowest);
  });

  it('when a single slow outlier arrives, then the limit shrinks by less than the smoothing share of a halving', () => {
    // Arrange
    const limit = new Gradient2Limit({ initialLimit: 50, minLimit: 5, maxLimit: 50 });
    feed(limit, 50, 10);

    // Act: gradient is floored at 0.5, so one update moves at most smoothing × half the limit
    const after = limit.update({ rttMs: 10_000, inflight: 50, dropped: false });

    // Assert: 50 × 0.8 + (25 + 4) × 0.2 = 45.8
    expect(after).toBeCloseTo(45.8, 5);
  });

  it('when the service uses less than half its limit, then the limit does not move', () => {
    // Arrange
    const limit = new Gradient2Limit({ initialLimit: 40, minLimit: 5, maxLimit: 100 });

    // Act
    const seen = [
      limit.update({ rttMs: 10, inflight: 3, dropped: false }),
      limit.update({ rttMs: 500, inflight: 3, dropped: false }),
    ];

    // Assert
    expect(seen).toEqual([40, 40]);
  });

  it('when latency stays high for a long time, then the limit never goes below its minimum', () => {
    // Arrange
    const limit = new Gradient2Limit({ initialLimit: 30, minLimit: 8, maxLimit: 100 });
    feed(limit, 20, 5);

    // Act
    feed(limit, 100, 5000);

    // Assert
    expect(limit.limit).toBeGreaterThanOrEqual(8);
  });

  it('when an overload lasts (latency 10× the baseline for 1 500 samples), then the limit stays near its minimum instead of climbing back', () => {
    // Arrange: warmed up at a 25 ms baseline
    const limit = new Gradient2Limit({ initialLimit: 20, minLimit: 4, maxLimit: 200 });
    feed(limit, 600, 25);

    // Act: a saturated service — every request takes 250 ms for ~20 s at 75/s
    const during = feed(limit, 1_500, 250);

    // Assert: with the plain 600-sample average this reaches 200 (the old behaviour, below)
    expect(Math.max(...during.slice(100))).toBeLessThan(10);
    const drifting = new Gradient2Limit({
      initialLimit: 20,
      minLimit: 4,
      maxLimit: 200,
      queueingWindow: 600,
    });
    feed(drifting, 600, 25);
    expect(Math.max(...feed(drifting, 1_500, 250))).toBe(200);
  });

  it('when latency changes for good, then the baseline learns it within its queueing window', () => {
    // Arrange
    const limit = new Gradient2Limit({ initialLimit: 20, minLimit: 4, maxLimit: 200 });
    feed(limit, 600, 25);

    // Act: a dependency became slower for good (60 ms instead of 25)
    feed(limit, 30_000, 60);

    // Assert: 60 ms is the new normal: the limit grows again
    expect(limit.limit).toBe(200);
  });

  it('when an RTT objective is set, then latency below it never shrinks the limit, and latency above it does', () => {
    // Arrange: warmed up at a 25 ms baseline
    const plain = new Gradient2Limit({ initialLimit: 20, minLimit: 4, maxLimit: 200 });
    const withObjective = new Gradient2Limit({
      initialLimit: 20,
      minLimit: 4,
      maxLimit: 200,
      rttObjectiveMs: 250,
    });
    feed(plain, 600, 25);
    feed(withObjective, 600, 25);
    const healthy = withObjective.limit;

    // Act: a busy machine makes every request 4× slower (100 ms), still far below 250 ms
    feed(plain, 200, 100);
    feed(withObjective, 200, 100);
    const busy = withObjective.limit;
    // then an overload: 600 ms per request
    feed(withObjective, 200, 600);

    // Assert
    expect(plain.limit).toBeLessThan(10);
    expect(busy).toBeGreaterThanOrEqual(healthy);
    expect(withObjective.limit).toBeLessThan(10);
  });

  it('when bounds are inconsistent, then construction fails', () => {
    // Act + Assert
    expect(() => new Gradient2Limit({ minLimit: 10, initialLimit: 5 })).toThrow(RangeError);
  });
});
