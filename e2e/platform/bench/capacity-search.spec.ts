import { searchCapacity } from './capacity-search';
import type { StepResult } from './step-result';

const slo = { p99Ms: 1_000, maxErrorRatio: 0.001 };

/** A step result with the given p99 and error count out of 1000 requests. */
function result(rateRps: number, p99Ms: number, errors = 0): StepResult {
  return {
    rateRps,
    seconds: 8,
    sent: 1_000,
    ok: 1_000 - errors,
    errors,
    errorRatio: errors / 1_000,
    p50Ms: 10,
    p90Ms: 20,
    p99Ms,
    maxMs: p99Ms,
    achievedRps: rateRps,
    goodputRps: rateRps,
    goodputWithinSloRps: rateRps,
    okAfterWindow: 0,
    statuses: { '201': 1_000 - errors },
    shed: 0,
    shedP99Ms: null,
    generatorLagP99Ms: 1,
    cpuBusyPct: 50,
  };
}

describe('capacity search', () => {
  it('when a rate misses twice, then capacity is the rate before it and no higher rate is tried', async () => {
    const tried: number[] = [];

    const search = await searchCapacity([10, 20, 40, 80], slo, async (rate) => {
      tried.push(rate);
      return rate >= 40 ? result(rate, 1_500) : result(rate, 100);
    });

    expect(search.capacityRps).toBe(20);
    expect(search.firstMissedRps).toBe(40);
    expect(tried).toEqual([10, 20, 40, 40]);
    expect(search.steps.map((s) => [s.rateRps, s.attempt, s.metSlo])).toEqual([
      [10, 1, true],
      [20, 1, true],
      [40, 1, false],
      [40, 2, false],
    ]);
  });

  it('when a miss is not confirmed by the second run, then the rate counts as met and the search goes on', async () => {
    let runs40 = 0;

    const search = await searchCapacity([20, 40, 60], slo, async (rate) => {
      if (rate === 40 && runs40++ === 0) return result(rate, 100, 5); // one hiccup: 0.5 % errors
      return rate === 60 ? result(rate, 100, 2) : result(rate, 100);
    });

    expect(search.capacityRps).toBe(40);
    expect(search.firstMissedRps).toBe(60);
  });

  it('when every rate meets the SLO, then capacity is the last rate and nothing missed', async () => {
    const search = await searchCapacity([10, 20], slo, async (rate) => result(rate, 50));

    expect(search).toMatchObject({ capacityRps: 20, firstMissedRps: undefined });
  });

  it('when even the first rate misses, then capacity is 0', async () => {
    const search = await searchCapacity([10, 20], slo, async (rate) => result(rate, 50, 10));

    expect(search).toMatchObject({ capacityRps: 0, firstMissedRps: 10 });
  });
});
