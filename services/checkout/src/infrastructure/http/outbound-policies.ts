import { PolicyRegistry, type PolicyConfigInput } from '@rc/resilience';
import type { Registry } from 'prom-client';

/** The services checkout calls, each with its own named policy. */
export const OUTBOUND_DEPENDENCIES = ['inventory', 'payment', 'cart', 'recommendations'] as const;

/** One of {@link OUTBOUND_DEPENDENCIES}. */
export type OutboundDependency = (typeof OUTBOUND_DEPENDENCIES)[number];

/**
 * Checkout's outbound policies (the README's policy table explains every value). Composition is
 * the library's: deadline → retry (+ budget) → breaker → bulkhead → attempt timeout. The whole
 * checkout runs inside one request deadline (default 3 s), which caps every attempt.
 */
export const OUTBOUND_POLICY_DEFAULTS: Readonly<Record<OutboundDependency, PolicyConfigInput>> = {
  // Tier 1, on the critical path twice (prices, then reserve) and in every compensation.
  // Every call is safe to repeat (GETs; POSTs carry order-derived idempotency keys).
  inventory: {
    attemptTimeoutMs: 800,
    retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 400, maxRetryAfterMs: 500 },
    breaker: { slowCallDurationMs: 400, minimumNumberOfCalls: 20 },
    bulkhead: { maxConcurrent: 50, maxQueue: 50, maxQueueWaitMs: 100 },
  },
  // Tier 1 with a slow third party behind it. Retried only because every charge carries its
  // idempotency key; a Retry-After longer than 250 ms (e.g. an open breaker's wait) ends the
  // call at once, so an outage answers fast instead of waiting out the deadline. The breaker
  // judges the last 20 calls, not the last 10 s: a slow payment makes each checkout last up to
  // its 3 s deadline, so at low traffic a 10 s window never holds the 10 calls it needs and the
  // breaker would never open.
  payment: {
    attemptTimeoutMs: 2_000,
    retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 200, maxRetryAfterMs: 250 },
    budget: { ratio: 0.1, minPerSecond: 1 },
    breaker: {
      window: { type: 'count', size: 20 },
      slowCallDurationMs: 1_500,
      minimumNumberOfCalls: 10,
    },
    bulkhead: { maxConcurrent: 20, maxQueue: 20, maxQueueWaitMs: 200 },
  },
  // Tier 2 with a fallback (the body's items): give it little time, one quick retry.
  cart: {
    attemptTimeoutMs: 300,
    retry: { maxAttempts: 2, baseDelayMs: 25, maxDelayMs: 100, maxRetryAfterMs: 200 },
    breaker: { slowCallDurationMs: 150, minimumNumberOfCalls: 20 },
    bulkhead: { maxConcurrent: 25, maxQueue: 25, maxQueueWaitMs: 50 },
  },
  // Tier 3, after the order is confirmed: a short timeout, no retry, no queue — the static
  // best-seller list is always ready.
  recommendations: {
    attemptTimeoutMs: 150,
    retry: { maxAttempts: 1 },
    breaker: { slowCallDurationMs: 100, minimumNumberOfCalls: 10 },
    bulkhead: { maxConcurrent: 10, maxQueue: 0, maxQueueWaitMs: 0 },
  },
};

/**
 * The outbound pipeline switched off (config RESILIENCE_PIPELINE_ENABLED=false), for the
 * benchmark's on/off comparison: one attempt, no breaker, no bulkhead, no budget, and an
 * attempt timeout long enough never to matter.
 */
export const PASS_THROUGH_POLICY = {
  attemptTimeoutMs: 30_000,
  retry: { maxAttempts: 1 },
  budget: { enabled: false },
  breaker: { enabled: false, slowCallDurationMs: 30_000 },
  bulkhead: { enabled: false },
} as const;

/**
 * Builds the named policies: the defaults above, overridden key by key by `overrides`
 * (config `OUTBOUND_POLICIES_JSON`, e.g. `{"payment":{"attemptTimeoutMs":1500}}`). Everything is
 * validated up front; a bad key refuses to start, naming it.
 * @throws ResilienceConfigError
 */
export function buildOutboundPolicies(
  overrides: Readonly<Record<string, unknown>> = {},
  registry?: Registry,
  pipelineEnabled = true,
): PolicyRegistry {
  const unknown = Object.keys(overrides).filter(
    (name) => !(OUTBOUND_DEPENDENCIES as readonly string[]).includes(name),
  );
  if (unknown.length > 0)
    throw new RangeError(
      `OUTBOUND_POLICIES_JSON names unknown dependencies: ${unknown.join(', ')} (known: ${OUTBOUND_DEPENDENCIES.join(', ')})`,
    );
  const dependencies = Object.fromEntries(
    OUTBOUND_DEPENDENCIES.map((name) => [
      name,
      pipelineEnabled
        ? merge(OUTBOUND_POLICY_DEFAULTS[name], overrides[name])
        : merge(OUTBOUND_POLICY_DEFAULTS[name], PASS_THROUGH_POLICY),
    ]),
  );
  return PolicyRegistry.fromConfig({ dependencies }, registry ? { registry } : {});
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge; an object with a `type` discriminator (the breaker window) replaces wholesale. */
function merge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override) || 'type' in override)
    return override ?? base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = merge(base[key], value);
  return out;
}
