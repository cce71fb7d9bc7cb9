/**
 * The six services of the platform with their default ports (the public contract: overridable by
 * each service's PORT). `npm start` and the end-to-end suites start them from this table.
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
