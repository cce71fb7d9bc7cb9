/**
 * The backend services of the platform with their default ports (the public contract: overridable
 * by each service's PORT). `npm start` and the end-to-end suites start them from this table. The
 * service generator (`nx g @rc/tools:service`) appends a new service here and to `name`.
 */
export interface PlatformService {
  /** Folder under services/ and the SERVICE_NAME. */
  name: 'checkout' | 'cart' | 'payment' | 'inventory' | 'recommendations' | 'analytics';
  /** Default HTTP port. */
  port: number;
  /** Degradation tier: 1 is the core business path, 4 is given up first. */
  tier: 1 | 2 | 3 | 4;
}

/** In start order: dependencies before their callers. */
export const PLATFORM_SERVICES: readonly PlatformService[] = [
  { name: 'inventory', port: 3003, tier: 1 },
  { name: 'payment', port: 3002, tier: 1 },
  { name: 'cart', port: 3001, tier: 2 },
  { name: 'recommendations', port: 3004, tier: 3 },
  { name: 'analytics', port: 3005, tier: 4 },
  { name: 'checkout', port: 3000, tier: 1 },
];

/**
 * CPU priority (Linux nice value) of a service process by tier, where the harness starts the
 * platform as processes (npm start, the end-to-end suites, the benchmark): under CPU pressure
 * the scheduler gives up the lower tiers first, as the platform does at every other level —
 * tier 1 at the default priority, cart a little below, recommendations and analytics well below
 * (their work waits in Kafka). Compose sets the same order with `cpu_shares`. Measured on the
 * dev machine at three times capacity: goodput within the SLO 12.4 → 44.4 checkouts/s
 * (docs/PERFORMANCE.md).
 */
export const TIER_NICENESS: Readonly<Record<PlatformService['tier'], number>> = {
  1: 0,
  2: 3,
  3: 8,
  4: 12,
};
