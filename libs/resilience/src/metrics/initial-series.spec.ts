import { Registry } from 'prom-client';
import { FakeClock } from '../clock';
import { AdaptiveConcurrencyLimiter } from '../load-shedding/adaptive-concurrency-limiter';
import { ResiliencePolicy } from '../policy/resilience-policy';
import { RateLimiter } from '../rate-limit/rate-limiter';
import type { RedisScriptClient } from '../rate-limit/redis-token-bucket';

/** The series of `name` in the registry's text output, label sets only (values must be 0). */
async function zeroSeries(registry: Registry, name: string): Promise<string[]> {
  const metric = await registry.getSingleMetric(name)?.get();
  if (!metric) throw new Error(`${name} is not registered`);
  for (const v of metric.values) expect(v.value).toBe(0);
  return metric.values.map((v) => JSON.stringify(v.labels)).sort();
}

// Counters of rare events (a rejection, a shed, a refused retry) are exported at 0 as soon as the
// component exists: a labelled prom-client counter otherwise appears only on its first
// increment, so dashboards have no series and `rate(...) > 0` alerts miss the first event.
describe('rare-event counters exist at 0 before the first event', () => {
  it('when a policy is built, then its deadline, timeout, bulkhead and retry-budget counters are exported at 0', async () => {
    const registry = new Registry();

    new ResiliencePolicy('payment', {}, { registry, clock: new FakeClock() });

    expect(await zeroSeries(registry, 'resilience_deadline_exceeded_total')).toEqual([
      '{"dependency":"payment","stage":"before_attempt"}',
      '{"dependency":"payment","stage":"during_attempt"}',
    ]);
    expect(await zeroSeries(registry, 'resilience_timeout_expired_total')).toEqual([
      '{"dependency":"payment"}',
    ]);
    expect(await zeroSeries(registry, 'resilience_bulkhead_rejected_total')).toEqual([
      '{"dependency":"payment","reason":"full"}',
      '{"dependency":"payment","reason":"queue_timeout"}',
    ]);
    expect(await zeroSeries(registry, 'resilience_retry_budget_exhausted_total')).toEqual([
      '{"dependency":"payment"}',
    ]);
  });

  it('when a load-shedding limiter is built, then shed and admitted are exported at 0 for every criticality', async () => {
    const registry = new Registry();

    new AdaptiveConcurrencyLimiter({ name: 'checkout', registry, clock: new FakeClock() });

    const expected = ['CRITICAL', 'DEGRADED', 'SHEDDABLE'].map(
      (criticality) => `{"limiter":"checkout","criticality":"${criticality}"}`,
    );
    expect(await zeroSeries(registry, 'resilience_load_shedding_shed_total')).toEqual(expected);
    expect(await zeroSeries(registry, 'resilience_load_shedding_admitted_total')).toEqual(expected);
  });

  it('when a rate limiter is built, then its Redis fallback counter is exported at 0 for every reason', async () => {
    const registry = new Registry();
    const redis: RedisScriptClient = {
      status: 'ready',
      evalsha: () => Promise.resolve([1, 0, 0, 0]),
      eval: () => Promise.resolve([1, 0, 0, 0]),
    };

    new RateLimiter({ redis, routes: { r: { limit: 1, windowMs: 1000 } }, registry });

    expect(await zeroSeries(registry, 'resilience_rate_limit_redis_failures_total')).toEqual([
      '{"reason":"disconnected"}',
      '{"reason":"error"}',
      '{"reason":"timeout"}',
    ]);
  });
});
