import type { Counter, Registry } from 'prom-client';
import { counter } from '../metrics';
import type { IdempotencyRetentionOptions } from './idempotency.contract';

/** The retention options with their defaults; throws unless 0 < lockTimeoutMs < ttlMs. */
export function retention(
  options: IdempotencyRetentionOptions,
): Required<IdempotencyRetentionOptions> {
  const lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
  const ttlMs = options.ttlMs ?? 24 * 60 * 60_000;
  if (!(lockTimeoutMs > 0 && ttlMs > lockTimeoutMs)) {
    throw new RangeError('idempotency store: need 0 < lockTimeoutMs < ttlMs');
  }
  return { lockTimeoutMs, ttlMs, inFlightRetryAfterMs: options.inFlightRetryAfterMs ?? 1000 };
}

/** The outcome counter every store shares (one series whatever the store). */
export function outcomeCounter(registry: Registry): Counter<'outcome'> {
  return counter(registry, {
    name: 'resilience_idempotency_outcomes_total',
    help: 'Idempotency key outcomes: started, taken_over, replayed, in_flight (409), mismatch (422), completed, released, lock_lost.',
    labelNames: ['outcome'] as const,
  });
}
