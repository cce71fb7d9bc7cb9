import { meetsSlo, percentile, summarise, type Outcome } from './step-result';

const step = { rateRps: 10, seconds: 1, okStatus: '201', sloMs: 100, cpuBusyPct: 50 };

function outcome(status: string, latencyMs: number, doneAtMs = latencyMs): Outcome {
  return { status, latencyMs, doneAtMs, lagMs: 0 };
}

describe('step results', () => {
  it('when a percentile is asked of sorted values, then it is the nearest rank', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => i + 1);

    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('when some successes arrive after the load window, then goodput counts only those inside it', () => {
    const outcomes = [
      outcome('201', 20, 100),
      outcome('201', 50, 500),
      outcome('201', 300, 900), // inside the window, but slower than the SLO
      outcome('201', 800, 1_600), // after the window: still a success, not goodput
      outcome('503 RESILIENCE.LOAD_SHED', 5, 950),
    ];

    const result = summarise(outcomes, step);

    expect(result).toMatchObject({
      sent: 5,
      ok: 4,
      errors: 1,
      errorRatio: 0.2,
      achievedRps: 4,
      goodputRps: 3,
      goodputWithinSloRps: 2,
      okAfterWindow: 1,
      statuses: { '201': 4, '503 RESILIENCE.LOAD_SHED': 1 },
      maxMs: 800,
      cpuBusyPct: 50,
    });
  });

  it('when the p99 or the error ratio is over the objective, then the step misses the SLO', () => {
    const fast = summarise(
      Array.from({ length: 1_000 }, () => outcome('201', 10)),
      step,
    );
    const oneError = summarise(
      [...Array.from({ length: 999 }, () => outcome('201', 10)), outcome('timeout', 10_000)],
      step,
    );
    const slo = { p99Ms: 100, maxErrorRatio: 0.001 };

    expect(meetsSlo(fast, slo)).toBe(true);
    expect(meetsSlo(oneError, slo)).toBe(false); // 0.1 % errors already fails
    expect(meetsSlo(fast, { ...slo, p99Ms: 5 })).toBe(false);
  });

  it('when some requests are shed, then the p99 of the shed answers is reported apart', () => {
    const outcomes = [
      ...Array.from({ length: 97 }, (_, i) => outcome('201', 100 + i)),
      outcome('503 RESILIENCE.LOAD_SHED', 2),
      outcome('503 RESILIENCE.LOAD_SHED', 7),
      outcome('503 CHECKOUT.PAYMENT_UNAVAILABLE', 3_000), // a dependency failed: not shed
    ];

    const result = summarise(outcomes, { ...step, seconds: 10 });
    const none = summarise([outcome('201', 10)], step);

    expect(result.shed).toBe(2);
    expect(result.shedP99Ms).toBe(7);
    expect(none).toMatchObject({ shed: 0, shedP99Ms: null });
  });
});
