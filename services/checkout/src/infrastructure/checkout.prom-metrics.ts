import { Counter, Histogram, type Registry } from 'prom-client';
import type {
  CheckoutMetrics,
  RecoveryAction,
  SagaResult,
  SagaStep,
} from '../application/checkout-metrics';
import { UNFINISHED_STATUSES } from '../domain/order-status';

/** What the worker can do with an order it found unfinished (`error` has no order status). */
const RECOVERY_OUTCOMES: readonly RecoveryAction[] = ['confirmed', 'compensated', 'retry_later'];

/**
 * Saga and recovery metrics in prom-client (labels are closed sets):
 * - `checkout_saga_outcomes_total{result,step}`: how checkouts ended and where;
 * - `checkout_saga_duration_seconds{result}`: how long they took;
 * - `checkout_recovery_actions_total{action,from_status}`: what the recovery worker did.
 */
export class PromCheckoutMetrics implements CheckoutMetrics {
  private readonly outcomes: Counter<'result' | 'step'>;
  private readonly duration: Histogram<'result'>;
  private readonly recoveries: Counter<'action' | 'from_status'>;

  constructor(registry: Registry) {
    this.outcomes = new Counter({
      name: 'checkout_saga_outcomes_total',
      help: 'Checkouts by result (confirmed, failed, compensating, in_progress, rejected) and the saga step they ended in.',
      labelNames: ['result', 'step'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'checkout_saga_duration_seconds',
      help: 'Duration of checkouts (the whole saga inside the request), by result.',
      labelNames: ['result'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10],
      registers: [registry],
    });
    this.recoveries = new Counter({
      name: 'checkout_recovery_actions_total',
      help: 'Recovery worker actions (confirmed, compensated, retry_later, error) by the status the order was found in.',
      labelNames: ['action', 'from_status'],
      registers: [registry],
    });
    // Recovery is rare: every series it can produce is exported at 0 from the start, so the
    // dashboard's increase() shows the first recovery instead of a series born at 1.
    for (const action of RECOVERY_OUTCOMES) {
      for (const from of UNFINISHED_STATUSES) this.recoveries.inc({ action, from_status: from }, 0);
    }
    this.recoveries.inc({ action: 'error', from_status: 'unknown' }, 0);
  }

  sagaFinished(result: SagaResult, step: SagaStep, seconds: number): void {
    this.outcomes.inc({ result, step });
    this.duration.observe({ result }, seconds);
  }

  recoveryAction(action: RecoveryAction, fromStatus: string): void {
    this.recoveries.inc({ action, from_status: fromStatus });
  }
}

/**
 * `checkout_price_cache_lookups_total{result}`: catalogue prices answered by checkout's own
 * cache (`hit`) or asked of inventory (`miss`); both series start at 0.
 */
export function priceCacheLookups(registry: Registry): Counter<'result'> {
  return cacheLookups(
    registry,
    'checkout_price_cache_lookups_total',
    'Catalogue price lookups answered by checkout (hit) or asked of inventory (miss).',
  );
}

/**
 * `checkout_recommendations_cache_lookups_total{result}`: recommendations answered by checkout's
 * own cache (`hit`) or asked of the recommendations service (`miss`); both series start at 0.
 */
export function recommendationsCacheLookups(registry: Registry): Counter<'result'> {
  return cacheLookups(
    registry,
    'checkout_recommendations_cache_lookups_total',
    'Recommendations answered by checkout (hit) or asked of the recommendations service (miss).',
  );
}

function cacheLookups(registry: Registry, name: string, help: string): Counter<'result'> {
  const lookups = new Counter({ name, help, labelNames: ['result'], registers: [registry] });
  for (const result of ['hit', 'miss']) lookups.inc({ result }, 0);
  return lookups;
}
