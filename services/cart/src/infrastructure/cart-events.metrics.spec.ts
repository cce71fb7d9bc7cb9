import { Registry } from 'prom-client';
import { cartEventMetrics } from './cart-events.metrics';

describe('cartEventMetrics', () => {
  it('when the metrics are created, then every drop reason is exported at 0 before any drop', async () => {
    const registry = new Registry();

    const metrics = cartEventMetrics(registry);

    const dropped = (await metrics.dropped.get()).values;
    expect(dropped.map((v) => [v.labels.reason, v.value])).toEqual([
      ['buffer_full', 0],
      ['shutdown', 0],
      ['invalid', 0],
    ]);
  });
});
