import { quantile, statusCounts, timeline, windowStats } from './load-stats';
import type { Outcome } from './open-loop-load';

const o = (at: number, ms: number, status = '201'): Outcome => ({ at, ms, status });

describe('load figures', () => {
  it('when the window holds successes, sheds and errors, then each ratio is of all requests due', () => {
    const outcomes = [
      o(0, 10),
      o(100, 20),
      o(200, 2_000),
      o(300, 5, '503 RESILIENCE.LOAD_SHED'),
      o(400, 50, '503 CHECKOUT.PAYMENT_UNAVAILABLE'),
      o(5_000, 1),
    ];
    const s = windowStats(outcomes, 0, 1_000, 1_000, 10_000);
    expect(s.requests).toBe(5);
    expect(s.success_ratio).toBeCloseTo(3 / 5);
    expect(s.goodput_ratio).toBeCloseTo(2 / 5);
    expect(s.shed_ratio).toBeCloseTo(1 / 5);
    expect(s.error_ratio).toBeCloseTo(1 / 5);
    expect(s.goodput_rps).toBeCloseTo(2);
    expect(s.max_ms).toBe(2_000);
  });

  it('when failures are a mix of problem+json answers, bare statuses, timeouts and dropped connections, then only the last three are unclean', () => {
    const outcomes = [
      o(0, 10),
      o(100, 30, '503 CHECKOUT.INVENTORY_UNAVAILABLE'),
      o(200, 5, '503 RESILIENCE.LOAD_SHED'),
      o(300, 40, '502'),
      o(400, 5_000, 'timeout'),
      o(500, 1, 'network-error'),
      o(600, 0, 'pending'),
    ];
    const s = windowStats(outcomes, 0, 1_000, 1_000, 2_000);
    expect(s.requests).toBe(7);
    expect(s.unclean_error_ratio).toBeCloseTo(3 / 7);
  });

  it('when requests are pending past the SLO, then they count as failures with their latency so far', () => {
    const s = windowStats([o(0, 10), o(500, 0, 'pending')], 0, 1_000, 1_000, 3_500);
    expect(s.success_ratio).toBe(0.5);
    expect(s.max_ms).toBe(3_000);
  });

  it('when requests are pending within the SLO, then they are not judged yet', () => {
    const s = windowStats([o(0, 10), o(900, 0, 'pending')], 0, 1_000, 1_000, 1_200);
    expect(s.requests).toBe(1);
    expect(s.success_ratio).toBe(1);
  });

  it('when the window is empty, then ratios are NaN (never a pass by default)', () => {
    expect(windowStats([], 0, 1_000, 1_000, 0).success_ratio).toBeNaN();
  });

  it('when quantiles are asked, then the nearest rank is returned', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('when a timeline is built, then requests fall in the second they were due', () => {
    const t = timeline([o(0, 10), o(999, 10, 'timeout'), o(2_100, 1_500)], 1_000, 5_000);
    expect(t.map((s) => [s.t, s.offered, s.ok, s.good, s.errors])).toEqual([
      [0, 2, 1, 1, 1],
      [1, 0, 0, 0, 0],
      [2, 1, 1, 0, 0],
    ]);
    expect(statusCounts([o(0, 1), o(1, 1, 'timeout'), o(2, 1)])).toEqual({ '201': 2, timeout: 1 });
  });
});
