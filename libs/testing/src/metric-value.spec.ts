import { Counter, Gauge, Registry } from 'prom-client';
import { metricValue } from './metric-value';

describe('metricValue', () => {
  it('when labels are given, then only the series carrying them are summed', async () => {
    // Arrange
    const registry = new Registry();
    const counter = new Counter({
      name: 'demo_messages_total',
      help: 'demo',
      labelNames: ['topic', 'outcome'],
      registers: [registry],
    });
    counter.inc({ topic: 'orders', outcome: 'processed' }, 2);
    counter.inc({ topic: 'orders', outcome: 'failed' }, 1);
    counter.inc({ topic: 'carts', outcome: 'processed' }, 5);

    // Act
    const processedOrders = await metricValue(registry, 'demo_messages_total', {
      topic: 'orders',
      outcome: 'processed',
    });
    const orders = await metricValue(registry, 'demo_messages_total', { topic: 'orders' });
    const all = await metricValue(registry, 'demo_messages_total');

    // Assert
    expect([processedOrders, orders, all]).toEqual([2, 3, 8]);
  });

  it('when the metric or the series does not exist, then the value is 0', async () => {
    // Arrange
    const registry = new Registry();
    new Gauge({ name: 'demo_backlog', help: 'demo', labelNames: ['pool'], registers: [registry] })
      .labels({ pool: 'a' })
      .set(4);

    // Act
    const missingMetric = await metricValue(registry, 'demo_nothing');
    const missingSeries = await metricValue(registry, 'demo_backlog', { pool: 'b' });

    // Assert
    expect([missingMetric, missingSeries]).toEqual([0, 0]);
  });
});
