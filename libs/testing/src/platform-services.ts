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
  /** Where orders enter the platform (checkout): it runs above its tier ({@link nicenessOf}). */
  edge?: true;
}

/** In start order: dependencies before their callers. */
export const PLATFORM_SERVICES: readonly PlatformService[] = [
  { name: 'inventory', port: 3003, tier: 1 },
  { name: 'payment', port: 3002, tier: 1 },
  { name: 'cart', port: 3001, tier: 2 },
  { name: 'recommendations', port: 3004, tier: 3 },
  { name: 'analytics', port: 3005, tier: 4 },
  { name: 'checkout', port: 3000, tier: 1, edge: true },
];

/**
 * CPU priority (Linux nice value) of a service process by tier, where the harness starts the
 * platform as processes (npm start, the end-to-end suites, the benchmark): under CPU pressure
 * the scheduler gives up the lower tiers first, as the platform does at every other level —
 * recommendations and analytics well below (their work waits in Kafka), cart below tier 1.
 * The edge ({@link EDGE_NICENESS}) runs above its own tier. Compose sets the same order with
 * `cpu_shares`. Measured on the dev machine at three times capacity: goodput within the SLO
 * 12.4 → 44.4 checkouts/s for the tiers (docs/PERFORMANCE.md).
 */
export const TIER_NICENESS: Readonly<Record<PlatformService['tier'], number>> = {
  1: 3,
  2: 6,
  3: 11,
  4: 15,
};

/**
 * The edge — checkout, where every order enters and where overload is shed — runs at the default
 * priority, above the tier-1 services it calls: when the CPU is short, admitting or refusing a
 * request at the door comes first, and the dependencies' load is bounded by what the edge admits.
 * Measured at 3× and 5× capacity (docs/PERFORMANCE.md, seventeenth round): goodput within the SLO
 * 75.6 / 72.2 → 99.8 / 100.2 checkouts/s at the same offered load, shed answers' p99
 * 521 / 182 → 108 / 115 ms.
 */
export const EDGE_NICENESS = 0;

/** The nice value `service` runs at: {@link EDGE_NICENESS} for the edge, else its tier's. */
export function nicenessOf(service: PlatformService): number {
  return service.edge ? EDGE_NICENESS : TIER_NICENESS[service.tier];
}
