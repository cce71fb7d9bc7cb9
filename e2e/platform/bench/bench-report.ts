import type { SearchStep } from './capacity-search';
import type { MachineContext } from './machine-context';
import type { PipelineComparison } from './pipeline-comparison';
import type { StepResult } from './step-result';

/** Everything one run measured: the `--json` output. */
export interface CheckoutBenchResult {
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
  sloP99Ms: number;
  maxErrorRatio: number;
  quick: boolean;
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
    `checkout benchmark — ${r.machine.cpus} cores (${r.machine.cpuModel}), node ${r.machine.node}, ${r.startedAt}${r.quick ? ', --quick' : ''}`,
    '',
    `capacity (p99 <= ${r.sloP99Ms} ms, errors < ${r.maxErrorRatio * 100}%): ${r.capacityRps} rps (${missed})`,
    `at half capacity (${r.halfCapacityRps} rps, ${r.halfCapacity.seconds} s): p50 ${r.p50MsAtHalfCapacity} ms, p99 ${r.p99MsAtHalfCapacity} ms`,
    `pipeline on vs off at ${r.comparisonRps} rps: goodput ${r.pipelineOn.goodputRps}/s vs ${r.pipelineOff.goodputRps}/s -> ratio ${r.pipelineOnOffThroughputRatio}` +
      ` (within the SLO: ${r.pipelineOn.goodputWithinSloRps}/s vs ${r.pipelineOff.goodputWithinSloRps}/s -> ${r.pipelineOnOffGoodputWithinSloRatio})`,
    `pipeline on vs off at capacity (${r.pipelineAtCapacity.rateRps} rps): goodput ${r.pipelineAtCapacity.on.goodputRps}/s vs ${r.pipelineAtCapacity.off.goodputRps}/s -> ratio ${r.pipelineAtCapacity.throughputRatio}`,
    '',
    table([
      ...r.steps.map((s) => row(`${s.rateRps}${s.attempt > 1 ? ' (again)' : ''}`, s)),
      row('half', r.halfCapacity),
      row(`on ${r.pipelineAtCapacity.rateRps}`, r.pipelineAtCapacity.on),
      row(`off ${r.pipelineAtCapacity.rateRps}`, r.pipelineAtCapacity.off),
      row(`on ${r.comparisonRps}`, r.pipelineOn),
      row(`off ${r.comparisonRps}`, r.pipelineOff),
    ]),
  );
  if (r.machine.otherPlatformPorts.length > 0)
    lines.push(
      '',
      `note: other platform processes were listening on ${r.machine.otherPlatformPorts.join(', ')}: figures are noisy`,
    );
  return lines.join('\n');
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
