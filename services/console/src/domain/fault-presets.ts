import type { ServiceName } from './control-room.types';

/**
 * A fault rule as the services' admin API (`/admin/faults`) takes it. Targets: inbound `route`s,
 * outbound `dependency` calls, and Kafka topics — `publish` (the outbox relay's send) and
 * `consume` (a consumer's handling).
 */
export interface FaultRule {
  id: string;
  target: 'route' | 'dependency' | 'publish' | 'consume';
  name: string;
  probability: number;
  enabled: boolean;
  fault: Record<string, unknown> & { kind: string };
}

/** The rules active on one service (`GET /api/control/faults`). */
export interface ServiceFaults {
  service: string;
  rules: FaultRule[];
  /** Set when the service could not be asked. */
  error?: string;
}

/** A failure mode at a click: rules put on one service's admin API. */
export interface FaultPreset {
  id: string;
  title: string;
  /** What a user should see happen. */
  expect: string;
  service: ServiceName;
  rules: FaultRule[];
}

/** Ids of the rules the console puts start with this, so it can tell its own from others. */
export const CONSOLE_RULE_PREFIX = 'console-';

const rule = (
  id: string,
  target: FaultRule['target'],
  name: string,
  fault: FaultRule['fault'],
): FaultRule => ({
  id: `${CONSOLE_RULE_PREFIX}${id}`,
  target,
  name,
  probability: 1,
  enabled: true,
  fault,
});

/**
 * The presets. Each uses a fault hook the platform really has: checkout's outbound dependency
 * calls, every service's inbound routes (health, metrics and admin are never targeted), the
 * outbox relay's sends (`publish`) and the consumers' handling (`consume`), by topic.
 */
export const FAULT_PRESETS: readonly FaultPreset[] = [
  {
    id: 'payment-slow',
    title: 'Payment slow',
    expect:
      "Checkout's calls to payment wait 4 s: checkouts fail fast with 503 after their deadline, then checkout's payment breaker opens.",
    service: 'checkout',
    rules: [rule('payment-slow', 'dependency', 'payment', { kind: 'latency', ms: 4_000 })],
  },
  {
    id: 'payment-failing',
    title: 'Payment failing',
    expect:
      'Payment answers 503 to every charge: checkouts get 503, nothing is charged, stock is released.',
    service: 'payment',
    rules: [rule('payment-failing', 'route', 'POST /v1/payments', { kind: 'error', status: 503 })],
  },
  {
    id: 'recommendations-down',
    title: 'Recommendations down',
    expect:
      'Recommendations answer 503: the shop shows the labelled best-sellers, checkout carries on.',
    service: 'recommendations',
    rules: [rule('recommendations-down', 'route', '*', { kind: 'error', status: 503 })],
  },
  {
    id: 'cart-down',
    title: 'Cart down',
    expect:
      "Cart answers 503: the shop keeps the cart on the page and checkout takes the page's items.",
    service: 'cart',
    rules: [rule('cart-down', 'route', '*', { kind: 'error', status: 503 })],
  },
  {
    id: 'kafka-slow',
    title: 'Kafka slow',
    expect:
      "Checkout's outbox relay waits 2 s on every send to the orders topic: checkouts still answer 201 at their usual latency, order events arrive late and checkout's outbox backlog rises.",
    service: 'checkout',
    rules: [rule('kafka-slow', 'publish', 'orders', { kind: 'latency', ms: 2_000 })],
  },
  {
    id: 'analytics-behind',
    title: 'Analytics behind',
    expect:
      "Analytics' consumer waits 3 s before handling each batch of events: its consumer lag rises, its figures fall behind, nothing upstream notices.",
    service: 'analytics',
    rules: [rule('analytics-behind', 'consume', '*', { kind: 'latency', ms: 3_000 })],
  },
];

/** The preset of an id, or undefined. */
export function presetById(id: string): FaultPreset | undefined {
  return FAULT_PRESETS.find((p) => p.id === id);
}

/** `current` rules with the preset's rules put in (replacing rules of the same id). */
export function withPreset(current: readonly FaultRule[], preset: FaultPreset): FaultRule[] {
  const ids = new Set(preset.rules.map((r) => r.id));
  return [...current.filter((r) => !ids.has(r.id)), ...preset.rules];
}

/** `current` rules without the preset's rules. */
export function withoutPreset(current: readonly FaultRule[], preset: FaultPreset): FaultRule[] {
  const ids = new Set(preset.rules.map((r) => r.id));
  return current.filter((r) => !ids.has(r.id));
}
