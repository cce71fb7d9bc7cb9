import { Registry } from 'prom-client';
import { FakeClock } from '../clock';
import { isResilienceError } from '../resilience.errors';
import { AdaptiveConcurrencyLimiter, type Permit } from './adaptive-concurrency-limiter';
import { AimdLimit } from './aimd-limit';
import { type Criticality } from './criticality';
import { Gradient2Limit } from './gradient2-limit';
import { LoadShedError } from './load-shed.error';

function setup(limit = 10) {
  const clock = new FakeClock();
  const registry = new Registry();
  const algorithm = new AimdLimit({ initialLimit: limit, minLimit: 1, maxLimit: limit });
  const limiter = new AdaptiveConcurrencyLimiter({ name: 'checkout', algorithm, clock, registry });
  const metric = async (name: string) =>
    (await registry.getSingleMetric(name)!.get()).values.map((v) => ({ ...v.labels, n: v.value }));
  return { clock, limiter, metric };
}

describe('AdaptiveConcurrencyLimiter', () => {
  it('when load rises to saturation, then SHEDDABLE is refused first, DEGRADED next and CRITICAL last', () => {
    // Arrange: limit 10 -> sheddable up to 5 in flight, degraded up to 8, critical up to 10
    const { limiter } = setup(10);
    const held: Permit[] = [];
    const refusedInOrder: Criticality[] = [];

    // Act: one request of each class per step, each admitted one stays in flight
    for (let step = 0; step < 12; step++) {
      for (const c of ['SHEDDABLE', 'DEGRADED', 'CRITICAL'] as const) {
        const permit = limiter.tryAcquire(c);
        if (permit) held.push(permit);
        else if (!refusedInOrder.includes(c)) refusedInOrder.push(c);
      }
    }

    // Assert
    expect(refusedInOrder).toEqual(['SHEDDABLE', 'DEGRADED', 'CRITICAL']);
    expect(
      ['SHEDDABLE', 'DEGRADED', 'CRITICAL'].map((c) => limiter.capacityFor(c as Criticality)),
    ).toEqual([5, 8, 10]);
    expect(limiter.inflight).toBe(10);
    expect(held).toHaveLength(10);
  });

  it('when a request is shed, then the error is immediate, carries 503, Retry-After and x-retry: no', () => {
    // Arrange
    const { limiter } = setup(2);
    limiter.acquire('CRITICAL');
    limiter.acquire('CRITICAL');

    // Act
    let caught: unknown;
    try {
      limiter.acquire('CRITICAL');
    } catch (e) {
      caught = e;
    }

    // Assert
    expect(caught).toBeInstanceOf(LoadShedError);
    expect(isResilienceError(caught)).toBe(true);
    expect(caught).toMatchObject({
      code: 'RESILIENCE.LOAD_SHED',
      httpStatus: 503,
      retryAfterMs: 1000,
      transient: false,
      headers: { 'retry-after': '1', 'x-retry': 'no' },
    });
  });

  it('when permits are released, then capacity comes back and a double release is harmless', () => {
    // Arrange
    const { limiter } = setup(2);
    const a = limiter.acquire('CRITICAL');
    limiter.acquire('CRITICAL');

    // Act
    a.release('success');
    a.release('success');

    // Assert
    expect(limiter.inflight).toBe(1);
    expect(limiter.tryAcquire('CRITICAL')).toBeDefined();
    expect(limiter.tryAcquire('CRITICAL')).toBeUndefined();
  });

  it('when requests slow down and then speed up, then the measured RTT shrinks the limit and grows it back', async () => {
    // Arrange: Gradient2 on a fake clock, saturated by critical traffic
    const clock = new FakeClock();
    const algorithm = new Gradient2Limit({ initialLimit: 40, minLimit: 4, maxLimit: 40 });
    const limiter = new AdaptiveConcurrencyLimiter({
      name: 'inventory',
      algorithm,
      clock,
      registry: new Registry(),
    });
    const wave = async (rttMs: number) => {
      const permits: Permit[] = [];
      for (let p = limiter.tryAcquire('CRITICAL'); p; p = limiter.tryAcquire('CRITICAL'))
        permits.push(p);
      await clock.advance(rttMs);
      for (const p of permits) p.release('success');
      return limiter.limit;
    };
    for (let i = 0; i < 10; i++) await wave(10);
    const healthy = limiter.limit;

    // Act
    let slowest = healthy;
    for (let i = 0; i < 5; i++) slowest = Math.min(slowest, await wave(80));
    let recovered = slowest;
    for (let i = 0; i < 30; i++) recovered = await wave(10);

    // Assert
    expect(healthy).toBe(40);
    expect(slowest).toBeLessThanOrEqual(10);
    expect(recovered).toBe(40);
  });

  it('when run() gets an overload error or another error, then only the overload one is a drop sample', async () => {
    // Arrange: AIMD reacts to drops only, which makes the difference visible
    const { limiter } = setup(10);
    const timeout = new Error('timeout');

    // Act
    await expect(
      limiter.run(
        'CRITICAL',
        () => Promise.reject(new Error('404')),
        (e) => e === timeout,
      ),
    ).rejects.toThrow('404');
    const afterIgnored = limiter.limit;
    await expect(
      limiter.run(
        'CRITICAL',
        () => Promise.reject(timeout),
        (e) => e === timeout,
      ),
    ).rejects.toBe(timeout);

    // Assert
    expect(afterIgnored).toBe(10);
    expect(limiter.limit).toBe(9);
    expect(limiter.inflight).toBe(0);
  });

  it('when traffic is admitted and shed, then the limit, in-flight and per-class counters are exported', async () => {
    // Arrange
    const { limiter, metric } = setup(2);

    // Act
    limiter.tryAcquire('CRITICAL');
    limiter.tryAcquire('SHEDDABLE');
    limiter.tryAcquire('SHEDDABLE');

    // Assert
    expect(await metric('resilience_load_shedding_limit')).toEqual([{ limiter: 'checkout', n: 2 }]);
    expect(await metric('resilience_load_shedding_inflight')).toEqual([
      { limiter: 'checkout', n: 1 },
    ]);
    // (every class has its series from the start, at 0 until something happens)
    expect(await metric('resilience_load_shedding_shed_total')).toEqual([
      { limiter: 'checkout', criticality: 'CRITICAL', n: 0 },
      { limiter: 'checkout', criticality: 'DEGRADED', n: 0 },
      { limiter: 'checkout', criticality: 'SHEDDABLE', n: 2 },
    ]);
    expect(await metric('resilience_load_shedding_admitted_total')).toEqual([
      { limiter: 'checkout', criticality: 'CRITICAL', n: 1 },
      { limiter: 'checkout', criticality: 'DEGRADED', n: 0 },
      { limiter: 'checkout', criticality: 'SHEDDABLE', n: 0 },
    ]);
  });

  it('when a share is outside (0, 1], then construction fails', () => {
    // Act + Assert
    expect(
      () =>
        new AdaptiveConcurrencyLimiter({
          name: 'x',
          shares: { SHEDDABLE: 0 },
          registry: new Registry(),
        }),
    ).toThrow(RangeError);
  });
});
