import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { ConsumerLagMonitor } from './consumer-lag-monitor';

/** An admin client answering one topic with one partition: end offset 10, group committed 7. */
function fakeKafka(): Kafka {
  const admin = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    fetchOffsets: () =>
      Promise.resolve([{ topic: 'orders', partitions: [{ partition: 0, offset: '7' }] }]),
    fetchTopicOffsets: () =>
      Promise.resolve([{ partition: 0, offset: '10', high: '10', low: '0' }]),
  };
  return { admin: () => admin } as unknown as Kafka;
}

describe('ConsumerLagMonitor', () => {
  it('when started, then the lag is sampled at once, not only after the first interval', async () => {
    const registry = new Registry();
    const monitor = new ConsumerLagMonitor({
      kafka: fakeKafka(),
      groupId: 'analytics',
      topics: ['orders'],
      intervalMs: 3_600_000,
      registry,
    });

    monitor.start();
    await monitor.stop(); // waits for the sample in flight

    const lag = await registry.getSingleMetric('messaging_consumer_lag')!.get();
    expect(lag.values).toEqual([
      { labels: { group: 'analytics', topic: 'orders', partition: '0' }, value: 3 },
    ]);
  });
});
