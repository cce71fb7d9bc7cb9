import { Registry } from 'prom-client';
import { FakeClock } from '../clock';
import { ResilienceConfigError } from '../policy/resilience-config.error';
import { RetryBudget } from './retry-budget';
import type { RetryBudgetConfigInput } from './retry-budget.config';

function setup(config: RetryBudgetConfigInput) {
  const clock = new FakeClock();
  const registry = new Registry();
  return { clock, registry, budget: new RetryBudget('payment', config, { clock, registry }) };
}

function grants(budget: RetryBudget, tries: number): number {
  let granted = 0;
  for (let i = 0; i < tries; i++) if (budget.tryAcquireRetry()) granted++;
  return granted;
}

async function exhaustedCount(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric('resilience_retry_budget_exhausted_total')?.get();
  return metric?.values[0]?.value ?? 0;
}

describe('RetryBudget', () => {
  it('when retries reach the ratio of requests in the window, then further retries are refused and counted', async () => {
    // Arrange: 200 requests at 20% → 40 retries
    const { budget, registry } = setup({ ratio: 0.2, minPerSecond: 0 });
    for (let i = 0; i < 200; i++) budget.recordRequest();

    // Act
    const granted = grants(budget, 50);

    // Assert
    expect(granted).toBe(40);
    expect(await exhaustedCount(registry)).toBe(10);
  });

  it('when traffic is low, then the per-second floor still allows a few retries', () => {
    // Arrange: 10 s window, floor 1/s → 10 retries even with 2 requests
    const { budget } = setup({ ratio: 0.1, minPerSecond: 1, windowMs: 10_000 });
    budget.recordRequest();
    budget.recordRequest();

    // Act / Assert
    expect(grants(budget, 20)).toBe(10);
  });

  it('when the floor is below the ratio allowance, then it adds nothing on top of the ratio', () => {
    const { budget } = setup({ ratio: 0.1, minPerSecond: 1, windowMs: 10_000 });
    for (let i = 0; i < 1_000; i++) budget.recordRequest();

    expect(grants(budget, 500)).toBe(100);
  });

  it('when the window slides past spent retries, then the budget refills', async () => {
    // Arrange
    const { budget, clock } = setup({ ratio: 0.5, minPerSecond: 0, windowMs: 10_000 });
    for (let i = 0; i < 10; i++) budget.recordRequest();
    expect(grants(budget, 10)).toBe(5);

    // Act: new requests arrive while the old requests and retries age out
    await clock.advance(5_000);
    for (let i = 0; i < 10; i++) budget.recordRequest();
    const midWindow = grants(budget, 10);
    await clock.advance(5_000);
    const afterSlide = grants(budget, 10);

    // Assert: at 5 s, 20 requests allow 10 retries, 5 spent → 5 more. At 10 s the t=0 slice has
    // slid out: 10 requests allow 5, and the 5 retries spent at 5 s still count → none. At 15 s
    // those have slid out too, and 10 fresh requests allow 5 again.
    expect(midWindow).toBe(5);
    expect(afterSlide).toBe(0);
    await clock.advance(5_000);
    for (let i = 0; i < 10; i++) budget.recordRequest();
    expect(grants(budget, 10)).toBe(5);
  });

  it('when disabled, then every retry is granted', () => {
    const { budget } = setup({ enabled: false, ratio: 0, minPerSecond: 0 });

    expect(grants(budget, 100)).toBe(100);
  });

  it('when the ratio is out of range, then construction fails naming the key', () => {
    expect(() => setup({ ratio: 1.5 })).toThrow(ResilienceConfigError);
    expect(() => setup({ ratio: 1.5 })).toThrow(/budget\.ratio/);
  });
});
