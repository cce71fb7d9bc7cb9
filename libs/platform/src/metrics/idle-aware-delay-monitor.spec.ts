import perfHooks from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { ServiceMetrics } from './http-metrics';
import { collectDefaultMetricsIdleAware, IdleAwareDelayMonitor } from './idle-aware-delay-monitor';

/** Keeps the event loop busy (synchronously) for `ms`. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

/** Busy for `busyMs` of every `everyMs`, for `forMs`. */
async function work(busyMs: number, everyMs: number, forMs: number): Promise<void> {
  const end = performance.now() + forMs;
  while (performance.now() < end) {
    spin(busyMs);
    await sleep(everyMs - busyMs);
  }
}

// Real timers and short periods (tens of ms): the monitor measures the real event loop.
describe('IdleAwareDelayMonitor', () => {
  const monitors: IdleAwareDelayMonitor[] = [];
  const monitor = (
    options: Partial<ConstructorParameters<typeof IdleAwareDelayMonitor>[0]> = {},
  ) => {
    const m = new IdleAwareDelayMonitor({
      busyPeriodMs: 10,
      restPeriodMs: 100,
      busyUtilisation: 0.2,
      quietBeforeRestMs: 200,
      ...options,
    });
    monitors.push(m);
    m.enable();
    return m;
  };

  afterEach(() => {
    for (const m of monitors.splice(0)) m.disable();
  });

  // One monitor run first, alone: the first samples of a fresh process load and compile code
  // (from a cold transform cache, tens of ms), which made the first test's idle loop read busy.
  beforeAll(async () => {
    const warm = new IdleAwareDelayMonitor({ busyPeriodMs: 10, restPeriodMs: 100 });
    warm.enable();
    await sleep(250);
    warm.disable();
  });

  it('when the loop is idle, then it samples at the rest period only', async () => {
    const m = monitor();

    await sleep(550);

    expect(m.period).toBe('rest');
    // ~5 samples in 550 ms at 100 ms (not ~55 at the busy period)
    expect(m.count).toBeGreaterThanOrEqual(3);
    expect(m.count).toBeLessThanOrEqual(6);
  });

  it('when the loop gets busy, then it samples at the busy period and records the delays', async () => {
    const m = monitor();
    await sleep(150);
    m.reset();

    // Act: 30 ms of work every 40 ms, for 600 ms
    await work(30, 40, 600);

    // Assert: busy sampling, and the 30 ms blocks show as delays
    expect(m.period).toBe('busy');
    expect(m.restingForMs).toBe(0);
    expect(m.count).toBeGreaterThan(10);
    expect(m.max / 1e6).toBeGreaterThanOrEqual(15);
  });

  it('when the loop has been quiet for the quiet time, then it goes back to the rest period', async () => {
    const m = monitor();
    await work(30, 40, 400);
    expect(m.period).toBe('busy');

    await sleep(450);

    expect(m.period).toBe('rest');
  });

  it('when the loop comes to rest after being busy, then onRest is called once with the busy time, and not while it stays at rest', async () => {
    // Arrange
    const rests: number[] = [];
    const m = monitor({ onRest: (busyForMs) => rests.push(busyForMs) });
    await sleep(250);
    expect(rests).toHaveLength(0); // at rest from the start: no transition

    // Act
    await work(30, 40, 400);
    expect(m.period).toBe('busy');
    await sleep(450);
    expect(m.period).toBe('rest');
    await sleep(300);

    // Assert: once, with the busy time (~400 ms of work, in 100 ms windows; a loaded machine
    // stretches the windows, hence the wide upper bound)
    expect(m.restingForMs).toBeGreaterThan(0);
    expect(rests).toHaveLength(1);
    expect(rests[0]).toBeGreaterThanOrEqual(200);
    expect(rests[0]).toBeLessThanOrEqual(2_000);
  });

  it('when a quiet loop runs a short task now and then, then it still goes back to the rest period', async () => {
    // Arrange: busy first
    const m = monitor();
    await work(30, 40, 300);
    expect(m.period).toBe('busy');

    // Act: 4 ms of work every 100 ms (4 % of the time, well under the 20 % threshold even when a
    // loaded machine stretches each task several times; but most of one 10 ms sampling period
    // whenever it runs)
    await work(4, 100, 1_200);

    // Assert
    expect(m.period).toBe('rest');
  });

  it('when a stall longer than the rest period starts from rest, then a sample holds it and sampling turns busy', async () => {
    // Arrange
    const m = monitor();
    await sleep(150);
    expect(m.period).toBe('rest');
    m.reset();

    // Act: one 300 ms synchronous block
    spin(300);
    await sleep(150);

    // Assert
    expect(m.max / 1e6).toBeGreaterThanOrEqual(200);
    expect(m.period).toBe('busy');
  });

  it('when read after a reset with no sample yet, then every figure is 0', () => {
    const m = new IdleAwareDelayMonitor({ busyPeriodMs: 10 });

    expect([m.count, m.min, m.max, m.mean, m.stddev, m.percentile(99)]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('collectDefaultMetricsIdleAware', () => {
  it('when prom-client registers its collectors, then its event-loop gauges read the idle-aware monitor, and perf_hooks is left as it was', async () => {
    // Arrange
    const registry = new Registry();
    const original = perfHooks.monitorEventLoopDelay;
    const monitor = collectDefaultMetricsIdleAware(registry, {
      busyPeriodMs: 10,
      restPeriodMs: 100,
    });
    try {
      await sleep(150);
      spin(300);
      await sleep(150);

      // Act: a scrape (prom-client's lag gauge sets every nodejs_eventloop_lag_* as it collects)
      const scraped = await registry.getMetricsAsJSON();
      const max = scraped.find((m) => m.name === 'nodejs_eventloop_lag_max_seconds')!.values[0]!
        .value;

      // Assert
      expect(max).toBeGreaterThanOrEqual(0.2);
      expect(monitor.count).toBe(0); // the scrape reset it
      expect(perfHooks.monitorEventLoopDelay).toBe(original);
    } finally {
      monitor.disable();
    }
  });

  it('when a service registers its metrics, then the event-loop gauges are there and sampled idle-aware', async () => {
    const metrics = new ServiceMetrics('test-service', '0.0.0');
    try {
      const text = await metrics.registry.metrics();

      expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
      expect(text).toContain('nodejs_heap_releases_at_rest_total');
      expect(metrics.eventLoopDelay.period).toBe('rest');
    } finally {
      metrics.eventLoopDelay.disable();
    }
  });
});
