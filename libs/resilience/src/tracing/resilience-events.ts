import { trace, type Attributes } from '@opentelemetry/api';
import type { CircuitStateChange } from '../circuit-breaker/circuit-state';
import type { Criticality } from '../load-shedding/criticality';

/**
 * Names of the span events by which the toolkit's decisions show up in a trace. Each is added to
 * the span active where the decision is taken (the request's server span, a saga step, a Kafka
 * consumer span); with no active span, or without an OpenTelemetry SDK, nothing is recorded.
 * Attributes are bounded (names, codes, numbers) — never a payload, a key or a token.
 */
export const RESILIENCE_EVENTS = {
  /** A failed attempt will be retried: `resilience.attempt`, `.retry.delay_ms`, `.reason`. */
  retry: 'resilience.retry',
  /** A failed call is not retried (any more): `resilience.attempt`, `.reason` (why not). */
  retryGaveUp: 'resilience.retry.gave_up',
  /** A breaker changed state: `resilience.circuit_breaker.{name,from,to}`, `resilience.reason`. */
  circuitStateChange: 'resilience.circuit_breaker.state_change',
  /** An inbound request was refused to protect the service: `resilience.criticality`, `.reason`. */
  shed: 'resilience.shed',
  /** A fallback answered instead of the dependency: `resilience.dependency`, `.reason`. */
  fallback: 'resilience.fallback',
  /** A fault was injected on purpose: `fault.{rule_id,kind,target,name}`. */
  faultInjected: 'fault_injected',
} as const;

/** Why an inbound request was shed (`resilience.reason` of {@link RESILIENCE_EVENTS.shed}). */
export type ShedReason =
  /** The adaptive concurrency limit for the request's criticality is reached (503). */
  | 'concurrency_limit'
  /** The client's token bucket for the route is empty (429). */
  | 'rate_limited'
  /** A fail-closed route while the rate limit store is unreachable (503). */
  | 'rate_limiter_unavailable';

/** Adds event `name` to the active span, if there is one. */
export function addResilienceEvent(name: string, attributes: Attributes): void {
  trace.getActiveSpan()?.addEvent(name, attributes);
}

/** Records that attempt `attempt` of a call to `dependency` failed and is retried in `delayMs`. */
export function recordRetry(
  dependency: string,
  attempt: number,
  delayMs: number,
  reason: string,
): void {
  addResilienceEvent(RESILIENCE_EVENTS.retry, {
    'resilience.dependency': dependency,
    'resilience.attempt': attempt,
    'resilience.retry.delay_ms': Math.round(delayMs),
    'resilience.reason': reason,
  });
}

/** Records that a failed call to `dependency` is not retried, and why (e.g. `budget_exhausted`). */
export function recordRetryGaveUp(dependency: string, attempt: number, reason: string): void {
  addResilienceEvent(RESILIENCE_EVENTS.retryGaveUp, {
    'resilience.dependency': dependency,
    'resilience.attempt': attempt,
    'resilience.reason': reason,
  });
}

/**
 * Records a breaker transition on the active span: the span of the call whose outcome (or whose
 * permit request, for the lazy OPEN → HALF_OPEN) moved the breaker. A transition taken outside
 * any span (a state read from a timer) is not recorded in a trace; the breaker's state gauge and
 * transition counter still show it.
 */
export function recordCircuitStateChange(change: CircuitStateChange): void {
  addResilienceEvent(RESILIENCE_EVENTS.circuitStateChange, {
    'resilience.circuit_breaker.name': change.name,
    'resilience.circuit_breaker.from': change.from,
    'resilience.circuit_breaker.to': change.to,
    'resilience.reason': change.reason,
    ...(change.openForMs === undefined
      ? {}
      : { 'resilience.circuit_breaker.open_for_ms': change.openForMs }),
  });
}

/** Records that an inbound request of `criticality` was refused, and why. */
export function recordShed(
  reason: ShedReason,
  criticality: Criticality,
  details: { limiter?: string; route?: string } = {},
): void {
  addResilienceEvent(RESILIENCE_EVENTS.shed, {
    'resilience.reason': reason,
    'resilience.criticality': criticality,
    ...(details.limiter === undefined ? {} : { 'resilience.limiter': details.limiter }),
    ...(details.route === undefined ? {} : { 'resilience.route': details.route }),
  });
}
