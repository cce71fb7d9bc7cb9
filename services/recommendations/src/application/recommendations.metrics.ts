import { counter } from '@rc/resilience';
import type { Counter, Registry } from 'prom-client';
import type { RecommendationSource } from '../domain/recommendation';

/** Every source an answer can come from. */
const SOURCES: readonly RecommendationSource[] = ['model', 'cache', 'stale-cache', 'bestsellers'];
/** Every fallback the read path can take: the source served and why (a cold start has no copy). */
const FALLBACKS = [
  { source: 'stale-cache', reason: 'cache_unavailable' },
  { source: 'stale-cache', reason: 'model_unavailable' },
  { source: 'bestsellers', reason: 'cache_unavailable' },
  { source: 'bestsellers', reason: 'model_unavailable' },
  { source: 'bestsellers', reason: 'cold_start' },
] as const;

/** Metrics of the recommendation read path. */
export interface RecommendationMetrics {
  /** Answers by source: model, cache, stale-cache, bestsellers. */
  answers: Counter<'source'>;
  /** Answers that were a fallback, by source served and why. */
  fallbacks: Counter<'source' | 'reason'>;
  /** Times the model was actually computed (a leader of a single flight on a cache miss). */
  computations: Counter<string>;
  /** Requests that joined a computation already in flight instead of starting one. */
  coalesced: Counter<string>;
}

/** Gets or creates the recommendation metrics on `registry`. */
export function recommendationMetrics(registry: Registry): RecommendationMetrics {
  const metrics: RecommendationMetrics = {
    answers: counter(registry, {
      name: 'recommendations_answers_total',
      help: 'Recommendation answers by source (model, cache, stale-cache, bestsellers).',
      labelNames: ['source'] as const,
    }),
    fallbacks: counter(registry, {
      name: 'recommendations_fallbacks_total',
      help: 'Degraded answers: the source served (stale-cache, bestsellers) and the reason (cache_unavailable, model_unavailable, cold_start).',
      labelNames: ['source', 'reason'] as const,
    }),
    computations: counter(registry, {
      name: 'recommendations_model_computations_total',
      help: 'Co-purchase model computations (cache misses that reached the model).',
      labelNames: [] as const,
    }),
    coalesced: counter(registry, {
      name: 'recommendations_coalesced_requests_total',
      help: 'Requests answered by joining an identical computation already in flight (single flight).',
      labelNames: [] as const,
    }),
  };
  // Every answer source and fallback is exported at 0 from the start: a degraded answer is rare
  // and depends on the data, and a labelled counter otherwise appears only once incremented.
  for (const source of SOURCES) metrics.answers.inc({ source }, 0);
  for (const labels of FALLBACKS) metrics.fallbacks.inc(labels, 0);
  return metrics;
}
