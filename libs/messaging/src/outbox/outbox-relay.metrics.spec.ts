import { Registry } from 'prom-client';
import { initialiseRelaySeries, outboxRelayMetrics } from './outbox-relay.metrics';

describe('initialiseRelaySeries', () => {
  it('when a relay is set up, then its leader and listening gauges, failure and fencing counters exist at 0', async () => {
    const registry = new Registry();
    const metrics = outboxRelayMetrics(registry);

    initialiseRelaySeries(metrics, 'checkout');

    for (const metric of [metrics.leader, metrics.listening, metrics.failures, metrics.fenced]) {
      expect((await metric.get()).values).toEqual([
        expect.objectContaining({ labels: { relay: 'checkout' }, value: 0 }),
      ]);
    }
  });
});
