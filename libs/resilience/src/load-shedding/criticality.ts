/**
 * How much a request matters when the service must choose what to drop (after Google's
 * request criticality, collapsed to the three classes this platform uses):
 * - `CRITICAL`: the core business path (checkout, payment, inventory reservations); shed last,
 *   may use the whole concurrency limit;
 * - `DEGRADED`: requests whose loss degrades the experience without breaking the core path
 *   (cart reads, product pages); may use most of the limit;
 * - `SHEDDABLE`: best effort (recommendations, analytics, batch); shed first, may use only a
 *   fraction of the limit so it can never crowd out the others.
 */
export type Criticality = 'CRITICAL' | 'DEGRADED' | 'SHEDDABLE';

/** Every criticality, most important first. */
export const CRITICALITIES: readonly Criticality[] = ['CRITICAL', 'DEGRADED', 'SHEDDABLE'];

/** Share of the concurrency limit each class may fill (inclusive of in-flight work of all classes). */
export type CriticalityShares = Record<Criticality, number>;

/** Defaults: critical 100 %, degraded 85 %, sheddable 50 % of the limit. */
export const DEFAULT_CRITICALITY_SHARES: CriticalityShares = {
  CRITICAL: 1,
  DEGRADED: 0.85,
  SHEDDABLE: 0.5,
};

/** True when `value` names a {@link Criticality}. */
export function isCriticality(value: unknown): value is Criticality {
  return typeof value === 'string' && (CRITICALITIES as readonly string[]).includes(value);
}
