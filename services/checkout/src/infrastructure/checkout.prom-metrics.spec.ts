import { Registry } from 'prom-client';
import { PromCheckoutMetrics } from './checkout.prom-metrics';

describe('PromCheckoutMetrics', () => {
  it('when created, then every recovery action the worker can record is exported at 0', async () => {
    const registry = new Registry();

    new PromCheckoutMetrics(registry);

    const values = (await registry.getSingleMetric('checkout_recovery_actions_total')!.get())
      .values;
    expect(values.every((v) => v.value === 0)).toBe(true);
    const series = values.map((v) => `${v.labels.action}/${v.labels.from_status}`);
    expect(series).toHaveLength(13);
    expect(series).toEqual(
      expect.arrayContaining([
        'confirmed/CHARGED',
        'compensated/PENDING',
        'compensated/COMPENSATING',
        'retry_later/RESERVED',
        'error/unknown',
      ]),
    );
  });

  it('when the worker recovers an order, then its series counts from 0 to 1', async () => {
    const registry = new Registry();
    const metrics = new PromCheckoutMetrics(registry);

    metrics.recoveryAction('confirmed', 'CHARGED');

    const values = (await registry.getSingleMetric('checkout_recovery_actions_total')!.get())
      .values;
    const confirmed = values.find(
      (v) => v.labels.action === 'confirmed' && v.labels.from_status === 'CHARGED',
    );
    expect(confirmed?.value).toBe(1);
  });
});
