import type { SearchStep } from './capacity-search';
import type { MachineContext } from './machine-context';
import type { PgPerCheckout } from './pg-counters';
import type { PipelineComparison } from './pipeline-comparison';
import type { EdgeReading } from './edge-timing';
import type { ByProcess, CheckoutCost } from './platform-cost';
import { PROCESS_GROUPS } from './proc-stat';
import type { StepResult } from './step-result';

/** The tracing settings whose cost is measured side by side. */
export type TracingSetting = 'off' | 'ratio10' | 'ratio100';

/** The cost of one tracing setting: every service restarted with it, warmed up, then one step. */
export interface TracingCost extends CheckoutCost {
  /** True: measured after restarting every service with it; false: the main half-capacity step. */
  restarted: boolean;
  rateRps: number;
  p50Ms: number;
  p99Ms: number;
  pgRoundTripsPerCheckout: number;
  pgTransactionsPerCheckout: number;
}

/**
 * An overload step with the pipeline on, at a multiple of capacity, with what checkout itself
 * saw of it: where a shed answer's time went (see {@link EdgeReading}).
 */
export interface OverloadStep extends StepResult, EdgeReading {
  factor: number;
}

/** The platform's cost figures of a run (issue 13): CPU, memory and Postgres work per checkout. */
export interface CostFigures {
  /** All the platform's CPU (6 services, Postgres, Kafka, Redis) per checkout at half capacity, ms. */
  cpuMsPerCheckout: number;
  cpuMsPerCheckoutByProcess: ByProcess;
  /** The bench process (load generator + OTLP receiver) per checkout, ms: not in the total. */
  benchCpuMsPerCheckout: number;
  /** The half-capacity cost window: rate, checkouts completed, load + drain seconds. */
  costWindow: { rateRps: number; checkouts: number; windowSeconds: number };
  /** Half-capacity cost with tracing off, at 10 % and at 100 % sampling (see `tracingCost`). */
  cpuMsPerCheckoutTracing: Record<TracingSetting, number | null>;
  tracingCost: Record<TracingSetting, TracingCost | null>;
  /** The platform at rest, before any load: CPU as % of one core. */
  idleCpuPercent: number;
  idleCpuPercentByProcess: ByProcess;
  idleSeconds: number;
  /** The six services' VmRSS summed after the load phases, MiB. */
  rssMiBServices: number;
  rssMiBByService: Record<string, number>;
  /** The six services' proportional set size summed (shared pages counted once), MiB. */
  pssMiBServices: number;
  /** The same two after `restMemorySeconds` at rest (the services' heap released), MiB. */
  rssMiBServicesAtRest: number;
  /** Per service at rest: which services gave their heap back shows here. */
  rssMiBByServiceAtRest: Record<string, number>;
  pssMiBServicesAtRest: number;
  /** Postgres queries (round trips) and transactions per checkout over the cost window. */
  pgRoundTripsPerCheckout: number;
  pgTransactionsPerCheckout: number;
  pgByService: PgPerCheckout['byService'];
  /** Commands the Redis servers (state and cache) processed per checkout over the cost window. */
  redisCommandsPerCheckout: number;
  /** The tracing the run measured with. */
  tracing: {
    samplingRatio: number;
    parentBased: true;
    spansReceived: number;
    exportsReceived: number;
  };
}

/** Everything one run measured: the `--json` output. */
export interface CheckoutBenchResult extends CostFigures {
  /** Highest arrival rate that met the SLO (p99 and errors), requests/s. */
  capacityRps: number;
  /** First rate that missed the SLO twice, or null when the search ran out of rates. */
  firstMissedRps: number | null;
  halfCapacityRps: number;
  p50MsAtHalfCapacity: number;
  p99MsAtHalfCapacity: number;
  /** Rate of the pipeline comparison (overload: a multiple of capacity), requests/s. */
  comparisonRps: number;
  /** Goodput with checkout's resilience pipeline on ÷ goodput with it off, same rate. */
  pipelineOnOffThroughputRatio: number;
  /** The same ratio counting only successes answered within the SLO. */
  pipelineOnOffGoodputWithinSloRatio: number;
  /** The overload step with the pipeline on. */
  pipelineOn: StepResult;
  /** The overload step with the pipeline off. */
  pipelineOff: StepResult;
  /** The same comparison at capacity: what the pipeline costs when nothing is overloaded. */
  pipelineAtCapacity: PipelineComparison & { throughputRatio: number };
  /** Pipeline on, at 3× and 5× capacity (shedding at work). */
  overloadSteps: OverloadStep[];
  goodputWithinSloRpsAt3xCapacity: number | null;
  goodputWithinSloRpsAt5xCapacity: number | null;
  /** p99 latency of the shed (503 RESILIENCE.LOAD_SHED) answers at 3× and 5× capacity, ms. */
  shedP99MsAt3xCapacity: number | null;
  shedP99MsAt5xCapacity: number | null;
  /** The same answers' p99 inside checkout (its own histogram of its 5xx answers), ms. */
  shedServerP99MsAt3xCapacity: number | null;
  shedServerP99MsAt5xCapacity: number | null;
  sloP99Ms: number;
  maxErrorRatio: number;
  quick: boolean;
  /** Whether lower tiers ran at a lower CPU priority (TIER_NICENESS; `--no-tier-priority`: false). */
  tierPriority: boolean;
  steps: SearchStep[];
  halfCapacity: StepResult;
  machine: MachineContext;
  startedAt: string;
  durationSeconds: number;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);

/** `on / off`, rounded to 2 decimals; -1 when `off` is zero (JSON has no infinity). */
export function onOffRatio(on: number, off: number): number {
  return ratio(on, off) ?? -1;
}

/** The human-readable report (stdout without `--json`). */
export function renderReport(r: CheckoutBenchResult): string {
  const lines: string[] = [];
  const missed =
    r.firstMissedRps === null ? 'every rate tried met it' : `${r.firstMissedRps} rps missed twice`;
  lines.push(
    `checkout benchmark — ${r.machine.cpus} cores (${r.machine.cpuModel}), node ${r.machine.node}, ${r.startedAt}${r.quick ? ', --quick' : ''}${r.tierPriority ? '' : ', --no-tier-priority'}`,
    '',
    `capacity (p99 <= ${r.sloP99Ms} ms, errors < ${r.maxErrorRatio * 100}%): ${r.capacityRps} rps (${missed})`,
    `at half capacity (${r.halfCapacityRps} rps, ${r.halfCapacity.seconds} s): p50 ${r.p50MsAtHalfCapacity} ms, p99 ${r.p99MsAtHalfCapacity} ms`,
    `pipeline on vs off at ${r.comparisonRps} rps: goodput ${r.pipelineOn.goodputRps}/s vs ${r.pipelineOff.goodputRps}/s -> ratio ${r.pipelineOnOffThroughputRatio}` +
      ` (within the SLO: ${r.pipelineOn.goodputWithinSloRps}/s vs ${r.pipelineOff.goodputWithinSloRps}/s -> ${r.pipelineOnOffGoodputWithinSloRatio})`,
    `pipeline on vs off at capacity (${r.pipelineAtCapacity.rateRps} rps): goodput ${r.pipelineAtCapacity.on.goodputRps}/s vs ${r.pipelineAtCapacity.off.goodputRps}/s -> ratio ${r.pipelineAtCapacity.throughputRatio}`,
    ...r.overloadSteps.map(
      (s) =>
        `shedding at ${s.factor}x capacity (${s.rateRps} rps): goodput within the SLO ${s.goodputWithinSloRps}/s, ${s.shed} shed, shed p99 ${s.shedP99Ms ?? '-'} ms` +
        ` (inside checkout ${s.shedServerP99Ms ?? '-'} ms; checkout's event-loop delay p99 ${s.edgeLoopDelayP99Ms ?? '-'} ms; generator lag p99 ${s.generatorLagP99Ms} ms; ${s.connectionsOpened ?? 0} connections opened during the step)`,
    ),
    '',
    ...renderCost(r),
    '',
    table([
      ...r.steps.map((s) => row(`${s.rateRps}${s.attempt > 1 ? ' (again)' : ''}`, s)),
      row('half', r.halfCapacity),
      row(`on ${r.pipelineAtCapacity.rateRps}`, r.pipelineAtCapacity.on),
      row(`off ${r.pipelineAtCapacity.rateRps}`, r.pipelineAtCapacity.off),
      row(`on ${r.comparisonRps}`, r.pipelineOn),
      row(`off ${r.comparisonRps}`, r.pipelineOff),
      ...r.overloadSteps.map((s) => row(`on ${s.rateRps}`, s)),
    ]),
  );
  if (r.machine.otherPlatformPorts.length > 0)
    lines.push(
      '',
      `note: other platform processes were listening on ${r.machine.otherPlatformPorts.join(', ')}: figures are noisy`,
    );
  return lines.join('\n');
}

/** The cost lines of the report. */
export function renderCost(r: CostFigures): string[] {
  const tracing = (['off', 'ratio10', 'ratio100'] as const)
    .map((k) => {
      const c = r.tracingCost[k];
      return `${k} ${c?.cpuMsPerCheckout ?? '-'}${c && !c.restarted ? " (the main run's step, not restarted: --quick)" : ''}`;
    })
    .join(', ');
  const cost = [
    ['process', 'CPU ms/checkout', 'idle % of a core'],
    ...PROCESS_GROUPS.map((g) => [
      g,
      String(r.cpuMsPerCheckoutByProcess[g]),
      String(r.idleCpuPercentByProcess[g]),
    ]),
    ['total', String(r.cpuMsPerCheckout), String(r.idleCpuPercent)],
  ];
  return [
    `cost at half capacity (${r.costWindow.rateRps} rps, ${r.costWindow.checkouts} checkouts over ${r.costWindow.windowSeconds} s, tracing sampled at ${r.tracing.samplingRatio}, parent-based): ${r.cpuMsPerCheckout} CPU ms per checkout (bench process apart: ${r.benchCpuMsPerCheckout})`,
    `CPU ms per checkout by tracing setting (services restarted with each): ${tracing}`,
    `idle (before any load, ${r.idleSeconds} s${r.idleSeconds < 30 ? ': --quick, shorter than 30 s' : ''}): ${r.idleCpuPercent}% of one core`,
    `Postgres per checkout: ${r.pgRoundTripsPerCheckout} round trips (db_client_queries_total), ${r.pgTransactionsPerCheckout} transactions (pg_stat_database)`,
    `Redis per checkout: ${r.redisCommandsPerCheckout} commands (INFO total_commands_processed, state + cache)`,
    `services' resident memory after the load phases: ${r.rssMiBServices} MiB summed VmRSS, ${r.pssMiBServices} MiB proportional (the Node.js binary's shared pages counted once); after resting: ${r.rssMiBServicesAtRest} MiB VmRSS, ${r.pssMiBServicesAtRest} MiB proportional`,
    '',
    ...cost.map((c) => `${c[0]!.padEnd(16)}${c[1]!.padStart(16)}${c[2]!.padStart(18)}`),
  ];
}

function row(label: string, s: StepResult): string[] {
  const outcomes = Object.entries(s.statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');
  return [
    label,
    String(s.sent),
    String(s.ok),
    String(s.errors),
    String(s.p50Ms),
    String(s.p99Ms),
    String(s.achievedRps),
    String(s.goodputRps),
    String(s.cpuBusyPct),
    outcomes,
  ];
}

function table(rows: string[][]): string {
  const head = ['rate', 'sent', 'ok', 'errors', 'p50 ms', 'p99 ms', 'achieved/s', 'goodput/s'];
  const all = [[...head, 'cpu %', 'outcomes'], ...rows];
  const widths = all[0]!.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  return all.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n');
}
