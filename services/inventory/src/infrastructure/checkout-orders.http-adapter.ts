import {
  HttpDependencyError,
  PolicyRegistry,
  ResilientHttpClient,
  type PolicyConfigInput,
} from '@rc/resilience';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { OrderOutcome, OrderStatusPort } from '../domain/order-status.port';

/** Name of the outbound policy (and the `dependency` label of its metrics). */
export const CHECKOUT_DEPENDENCY = 'checkout';

/**
 * The `checkout` policy unless CHECKOUT_POLICY overrides keys of it. Only the expiry worker
 * calls it, in the background, rarely: a 1 s attempt, one retry (a GET is safe to repeat), a
 * small bulkhead so a burst of expired holds cannot flood checkout; library breaker and budget.
 * A call that gives up only means "ask again later" (the hold is kept).
 */
export const CHECKOUT_POLICY_DEFAULTS: PolicyConfigInput = {
  attemptTimeoutMs: 1_000,
  retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 500, maxRetryAfterMs: 1_000 },
  bulkhead: { maxConcurrent: 4, maxQueue: 16, maxQueueWaitMs: 1_000 },
};

/**
 * The `checkout` policy: {@link CHECKOUT_POLICY_DEFAULTS} with `override`'s keys on top (one
 * level deep per section), validated (a bad key refuses to start, naming it).
 */
export function checkoutPolicyRegistry(override: unknown, registry?: Registry): PolicyRegistry {
  const o = (override ?? {}) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...CHECKOUT_POLICY_DEFAULTS, ...o };
  for (const section of ['retry', 'breaker', 'bulkhead', 'budget'] as const) {
    const base = (CHECKOUT_POLICY_DEFAULTS as Record<string, unknown>)[section];
    if (typeof base === 'object' && typeof o[section] === 'object')
      merged[section] = { ...base, ...(o[section] as object) };
  }
  return PolicyRegistry.fromConfig(
    { dependencies: { [CHECKOUT_DEPENDENCY]: merged } },
    registry ? { registry } : {},
  );
}

/** The part of checkout's `GET /v1/orders/:orderId` body read here. */
const orderSchema = z.object({
  orderId: z.string(),
  status: z.enum(['PENDING', 'RESERVED', 'CHARGED', 'CONFIRMED', 'COMPENSATING', 'FAILED']),
});

/** Options of {@link CheckoutOrdersHttpAdapter}. */
export interface CheckoutOrdersOptions {
  /** e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  policies: PolicyRegistry;
  fetch?: typeof fetch;
}

/**
 * {@link OrderStatusPort} over checkout's `GET /v1/orders/:orderId`, through the `checkout`
 * policy. Only a definite answer counts: a 200 with a known status, or a 404 carrying
 * checkout's own `CHECKOUT.ORDER_NOT_FOUND` code (a bare 404 — a wrong URL, another service —
 * proves nothing about the order). Everything else is `UNAVAILABLE`, and the hold is kept.
 */
export class CheckoutOrdersHttpAdapter implements OrderStatusPort {
  private readonly client: ResilientHttpClient;

  constructor(options: CheckoutOrdersOptions) {
    this.client = new ResilientHttpClient({
      baseUrl: options.baseUrl,
      policy: options.policies.get(CHECKOUT_DEPENDENCY),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async outcomeOf(orderId: string): Promise<OrderOutcome> {
    try {
      const { body } = await this.client.request({
        method: 'GET',
        path: `/v1/orders/${encodeURIComponent(orderId)}`,
        urlTemplate: '/v1/orders/:orderId',
        parse: (b) => orderSchema.parse(b),
      });
      if (body.orderId !== orderId) return 'UNAVAILABLE';
      if (body.status === 'CONFIRMED' || body.status === 'FAILED') return body.status;
      return 'IN_PROGRESS';
    } catch (error) {
      const notFound =
        error instanceof HttpDependencyError &&
        error.status === 404 &&
        error.problem?.code === 'CHECKOUT.ORDER_NOT_FOUND';
      return notFound ? 'NOT_FOUND' : 'UNAVAILABLE';
    }
  }
}
