/** What happened to one request of a step. */
export interface Outcome {
  /** HTTP status (errors: with their problem `code`, e.g. `503 RESILIENCE.LOAD_SHED`), or `timeout` / `network-error`. */
  status: string;
  /** From the request's scheduled send time to its answer (or its timeout), ms. */
  latencyMs: number;
  /** When it settled, ms after the step's start. */
  doneAtMs: number;
  /** How late the generator really sent it, ms (its own delay, already inside latencyMs). */
  lagMs: number;
}

/** Summary of one fixed-rate step. */
export interface StepResult {
  /** Target arrival rate, requests/s. */
  rateRps: number;
  /** Length of the load window, s. */
  seconds: number;
  sent: number;
  /** Answered with the success status. */
  ok: number;
  /** Everything else: other statuses, timeouts, network errors. */
  errors: number;
  errorRatio: number;
  /** Latency percentiles over every request (errors included, timeouts at their timeout), ms. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers of any kind received during the load window, per second. */
  achievedRps: number;
  /** Successes received during the load window, per second (goodput). */
  goodputRps: number;
  /** Successes received during the load window with a latency within the SLO, per second. */
  goodputWithinSloRps: number;
  /** Successes answered after the load window closed (a backlog still draining). */
  okAfterWindow: number;
  /** Count per outcome: `"201"`, `"503 RESILIENCE.LOAD_SHED"`, …, `timeout`, `network-error`. */
  statuses: Record<string, number>;
  /** Shed at the door: answered `503` with code `RESILIENCE.LOAD_SHED`. */
  shed: number;
  /** p99 latency of the shed answers, from their scheduled send time, ms (null when none). */
  shedP99Ms: number | null;
  /** 99th percentile of the generator's own send delay, ms (large means the generator lagged). */
  generatorLagP99Ms: number;
  /** Share of the machine's CPU busy while the load was being sent (all processes), %. */
  cpuBusyPct: number;
  /**
   * Connections the generator had to open during the step (its pool's growth; `LoadRunner`
   * opens what a step should need before it starts). Many means the step measured connects too.
   */
  connectionsOpened?: number;
}

/** The outcome of a request shed by a load limiter (other 503s are a dependency's failure). */
export const SHED_STATUS = '503 RESILIENCE.LOAD_SHED';

/** Nearest-rank percentile of ascending `sorted` values (NaN when empty). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Builds the {@link StepResult} of a step from the outcome of each of its requests. */
export function summarise(
  outcomes: readonly Outcome[],
  step: { rateRps: number; seconds: number; okStatus: string; sloMs: number; cpuBusyPct: number },
): StepResult {
  const windowMs = step.seconds * 1000;
  const latencies = Float64Array.from(outcomes, (o) => o.latencyMs).sort();
  const lags = Float64Array.from(outcomes, (o) => o.lagMs).sort();
  const shed = Float64Array.from(
    outcomes.filter((o) => o.status === SHED_STATUS),
    (o) => o.latencyMs,
  ).sort();
  const statuses: Record<string, number> = {};
  let ok = 0;
  let inWindow = 0;
  let okInWindow = 0;
  let okInWindowWithinSlo = 0;
  for (const o of outcomes) {
    statuses[o.status] = (statuses[o.status] ?? 0) + 1;
    const isOk = o.status === step.okStatus;
    if (isOk) ok++;
    if (o.doneAtMs <= windowMs) {
      inWindow++;
      if (isOk) okInWindow++;
      if (isOk && o.latencyMs <= step.sloMs) okInWindowWithinSlo++;
    }
  }
  const sent = outcomes.length;
  const round1 = (n: number) => Math.round(n * 10) / 10;
  return {
    rateRps: step.rateRps,
    seconds: step.seconds,
    sent,
    ok,
    errors: sent - ok,
    errorRatio: sent > 0 ? (sent - ok) / sent : 0,
    p50Ms: Math.round(percentile(latencies, 50)),
    p90Ms: Math.round(percentile(latencies, 90)),
    p99Ms: Math.round(percentile(latencies, 99)),
    maxMs: Math.round(percentile(latencies, 100)),
    achievedRps: round1(inWindow / step.seconds),
    goodputRps: round1(okInWindow / step.seconds),
    goodputWithinSloRps: round1(okInWindowWithinSlo / step.seconds),
    okAfterWindow: ok - okInWindow,
    statuses,
    shed: shed.length,
    shedP99Ms: shed.length > 0 ? Math.round(percentile(shed, 99)) : null,
    generatorLagP99Ms: round1(percentile(lags, 99)),
    cpuBusyPct: step.cpuBusyPct,
  };
}

/** Whether a step met the service-level objective: p99 within it and errors below the ratio. */
export function meetsSlo(step: StepResult, slo: { p99Ms: number; maxErrorRatio: number }): boolean {
  return step.p99Ms <= slo.p99Ms && step.errorRatio < slo.maxErrorRatio;
}
