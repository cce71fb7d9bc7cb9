import { Registry } from 'prom-client';
import { recommendationMetrics } from './recommendations.metrics';

describe('recommendationMetrics', () => {
  it('when the metrics are created, then every answer source and every fallback is exported at 0', async () => {
    const registry = new Registry();

    const metrics = recommendationMetrics(registry);

    const answers = (await metrics.answers.get()).values;
    const fallbacks = (await metrics.fallbacks.get()).values;
    expect([...answers, ...fallbacks].every((v) => v.value === 0)).toBe(true);
    expect(answers.map((v) => v.labels.source)).toEqual([
      'model',
      'cache',
      'stale-cache',
      'bestsellers',
    ]);
    expect(fallbacks.map((v) => `${v.labels.source}/${v.labels.reason}`)).toEqual([
      'stale-cache/cache_unavailable',
      'stale-cache/model_unavailable',
      'bestsellers/cache_unavailable',
      'bestsellers/model_unavailable',
      'bestsellers/cold_start',
    ]);
  });
});
