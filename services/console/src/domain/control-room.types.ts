/**
 * What the control room shows, as the console's API serves it (SSE `snapshot` events and
 * `GET /api/control/snapshot`). The front end imports these types only.
 */

/** The six services of the platform, by tier (1 = core path, 4 = given up first). */
export type ServiceName =
  'checkout' | 'payment' | 'inventory' | 'cart' | 'recommendations' | 'analytics';

/** Readiness as the service itself reports it; `down` = it did not answer. */
export type Health = 'up' | 'not-ready' | 'down';

/** A circuit breaker as `resilience_circuit_breaker_state` exports it (0, 1, 2). */
export type BreakerState = 'closed' | 'half-open' | 'open';

/** One service's tile: the golden signals and its resilience state over the last poll. */
export interface ServiceTile {
  name: ServiceName;
  tier: 1 | 2 | 3 | 4;
  health: Health;
  /** Requests per second on its business routes (probes, scrapes and admin left out). */
  requestRate: number;
  /** Share of those requests answered 5xx, 0..1. */
  errorRatio: number;
  /** p99 latency of those requests in ms; null without traffic. */
  p99Ms: number | null;
  /** One per outbound dependency with a breaker. */
  breakers: { dependency: string; state: BreakerState }[];
  /** Requests shed by the adaptive concurrency limit, per second. */
  shedRate: number;
  /** Requests refused by the rate limiter since the service started. */
  rateLimited: number;
  /** Messages its consumer groups have not committed yet; null when it consumes nothing. */
  consumerLag: number | null;
  /** Unpublished outbox rows; null when it has no outbox. */
  outboxBacklog: number | null;
  /** Why the tile is empty (the service did not answer its /metrics). */
  error?: string;
}

/** One point of the checkout timeline. */
export interface TimelinePoint {
  /** Unix time, seconds. */
  t: number;
  /** Checkouts answered 2xx per second. */
  goodput: number;
  /** p99 of checkout in ms over the last poll; null without traffic. */
  p99Ms: number | null;
}

/** The load control's state. */
export interface LoadStatus {
  running: boolean;
  ratePerSecond: number;
  maxRatePerSecond: number;
  startedAt: number | null;
  /** Outcomes since the run started, by class: `2xx`, `402`, `503`, `other`, `failed`, `dropped`. */
  outcomes: Record<string, number>;
}

/** Everything the control room draws, once per poll. */
export interface ControlSnapshot {
  at: number;
  tiles: ServiceTile[];
  timeline: TimelinePoint[];
  load: LoadStatus;
}

/** A chaos experiment with the verdict of its latest run. */
export interface ChaosExperiment {
  id: string;
  title: string;
  description: string;
  tags: string[];
  latest?: {
    run: string;
    status: string;
    endedAt: string;
    durationSeconds: number;
    /** The console's URL of the run's HTML report. */
    report: string;
  };
}
