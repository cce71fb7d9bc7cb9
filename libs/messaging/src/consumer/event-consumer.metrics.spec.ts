import { Registry } from 'prom-client';
import { eventConsumerMetrics, initialiseConsumerSeries } from './event-consumer.metrics';

/** `name`'s series as "label=value,…" strings, after checking every value is 0. */
async function zeroSeries(registry: Registry, name: string): Promise<string[]> {
  const metric = await registry.getSingleMetric(name)!.get();
  for (const v of metric.values) expect(v.value).toBe(0);
  return metric.values.map((v) =>
    Object.entries(v.labels)
      .map(([k, l]) => `${k}=${l}`)
      .join(','),
  );
}

describe('initialiseConsumerSeries', () => {
  it('when a consumer group is set up for two topics, then each of its counters has every series at 0', async () => {
    const registry = new Registry();
    const metrics = eventConsumerMetrics(registry);

    initialiseConsumerSeries(metrics, 'analytics', ['orders', 'payments']);

    expect(await zeroSeries(registry, 'messaging_consumer_messages_total')).toHaveLength(6);
    expect(await zeroSeries(registry, 'messaging_consumer_dead_letters_total')).toEqual([
      'group=analytics,topic=orders,reason=INVALID_MESSAGE',
      'group=analytics,topic=orders,reason=PERMANENT_ERROR',
      'group=analytics,topic=orders,reason=RETRIES_EXHAUSTED',
      'group=analytics,topic=payments,reason=INVALID_MESSAGE',
      'group=analytics,topic=payments,reason=PERMANENT_ERROR',
      'group=analytics,topic=payments,reason=RETRIES_EXHAUSTED',
    ]);
    for (const name of [
      'messaging_consumer_retries_total',
      'messaging_consumer_fatal_errors_total',
      'messaging_consumer_commit_failures_total',
      'messaging_consumer_batch_fallbacks_total',
    ]) {
      expect(await zeroSeries(registry, name)).toEqual([
        'group=analytics,topic=orders',
        'group=analytics,topic=payments',
      ]);
    }
  });

  it('when a series already counted messages, then initialising again keeps its count', async () => {
    const registry = new Registry();
    const metrics = eventConsumerMetrics(registry);
    metrics.retries.inc({ group: 'g', topic: 't' }, 3);

    initialiseConsumerSeries(metrics, 'g', ['t']);

    const values = (await metrics.retries.get()).values;
    expect(values).toEqual([expect.objectContaining({ value: 3 })]);
  });
});
