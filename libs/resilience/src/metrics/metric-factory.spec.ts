import { Counter, register as globalRegistry, Registry } from 'prom-client';
import { counter, gauge, histogram } from './metric-factory';

const spec = { name: 'test_factory_calls_total', help: 'Calls', labelNames: ['outcome'] } as const;

describe('the metric factory (get or create on a registry)', () => {
  afterEach(() => globalRegistry.removeSingleMetric(spec.name));

  it('when the same metric is asked for twice on one registry, then both callers share it', async () => {
    const registry = new Registry();

    const first = counter(registry, spec);
    const second = counter(registry, spec);
    first.inc({ outcome: 'ok' });
    second.inc({ outcome: 'ok' });

    expect(second).toBe(first);
    const metric = await registry.getSingleMetric(spec.name)?.get();
    expect(metric).toMatchObject({ help: 'Calls', type: 'counter' });
    expect(metric?.values).toEqual([{ value: 2, labels: { outcome: 'ok' } }]);
  });

  it('when two registries are given, then each gets its own metric', () => {
    const a = new Registry();
    const b = new Registry();

    expect(counter(a, spec)).not.toBe(counter(b, spec));
    expect(a.getSingleMetric(spec.name)).toBeDefined();
    expect(b.getSingleMetric(spec.name)).toBeDefined();
  });

  it('when no registry is given, then the metric goes to the global registry', () => {
    const made = counter(undefined, spec);

    expect(globalRegistry.getSingleMetric(spec.name)).toBe(made);
    expect(made).toBeInstanceOf(Counter);
  });

  it('when a gauge and a histogram are made, then they keep their type, labels and buckets', async () => {
    const registry = new Registry();

    gauge(registry, { name: 'test_factory_level', help: 'Level', labelNames: ['pool'] }).set(
      { pool: 'a' },
      3,
    );
    histogram(registry, {
      name: 'test_factory_seconds',
      help: 'Duration',
      labelNames: ['route'],
      buckets: [0.1, 1],
    }).observe({ route: '/x' }, 0.5);

    const level = await registry.getSingleMetric('test_factory_level')?.get();
    const seconds = await registry.getSingleMetric('test_factory_seconds')?.get();
    expect(level).toMatchObject({ type: 'gauge', values: [{ value: 3, labels: { pool: 'a' } }] });
    expect(seconds?.type).toBe('histogram');
    const buckets = seconds?.values.filter(
      (v) => (v as { metricName?: string }).metricName === 'test_factory_seconds_bucket',
    );
    expect(buckets).toEqual([
      expect.objectContaining({ value: 0, labels: { route: '/x', le: 0.1 } }),
      expect.objectContaining({ value: 1, labels: { route: '/x', le: 1 } }),
      expect.objectContaining({ value: 1, labels: { route: '/x', le: '+Inf' } }),
    ]);
  });

  it('when a metric is made with collect, then it is read at scrape time and a second collect is ignored', async () => {
    const registry = new Registry();
    let level = 4;
    const first = gauge(registry, {
      name: 'test_factory_collected',
      help: 'Collected',
      labelNames: ['pool'],
      collect() {
        this.set({ pool: 'a' }, level);
      },
    });

    const second = gauge(registry, {
      name: 'test_factory_collected',
      help: 'Collected',
      labelNames: ['pool'],
      collect() {
        this.set({ pool: 'a' }, -1);
      },
    });
    level = 7;

    expect(second).toBe(first);
    const metric = await registry.getSingleMetric('test_factory_collected')?.get();
    expect(metric?.values).toEqual([{ value: 7, labels: { pool: 'a' } }]);
  });
});
