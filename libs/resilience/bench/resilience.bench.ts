/**
 * Benchmark of the resilience toolkit, everything measured side by side in one run:
 *
 * 1. Success-path cost per call (ns, sequential awaited calls of an operation that resolves at
 *    once) of: a bare call, the composed policy, the same policy inside a request deadline,
 *    cockatiel's own wrap(retry, breaker, bulkhead, timeout), and opossum; and of the HTTP
 *    client on a stub transport: one client per dependency, the same with per-request attempt
 *    observers, and a client built per call observing through a wrapping transport.
 * 2. Retry amplification during a total outage (open-loop arrivals on a fake clock): attempts
 *    reaching the dependency per request without a retry budget, with it, and with the full
 *    default policy (breaker on).
 *
 *   npm run bench:resilience            # table on stdout, progress on stderr
 *   npm run bench:resilience -- --json  # exactly one JSON object on stdout
 *
 * Targets (reported here, never asserted in tests): pipeline overhead ≤ 2 µs per call over the
 * bare call and below opossum; ≤ 1.1 attempts per request with the budget during an outage.
 */
import { availableParallelism, cpus } from 'node:os';
import { attemptsPerRequest, outageConfigs, type OutageScenario } from './retry-amplification';
import { measureSuccessPath } from './success-path';

const ROUNDS = 7;
const CALLS_PER_ROUND = 100_000;
const SCENARIO: OutageScenario = { requestsPerSecond: 200, warmupSeconds: 10, outageSeconds: 60 };
/** Same outage, but the dependency is already down when the process (and its budget) starts. */
const COLD_START: OutageScenario = { ...SCENARIO, warmupSeconds: 0 };

const round = (n: number, digits = 0): number => Number(n.toFixed(digits));

export async function main(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const progress = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
  const startedAt = Date.now();

  const success = await measureSuccessPath(ROUNDS, CALLS_PER_ROUND, progress);
  const ns = (key: string): number => success[key]?.nsPerCall ?? Number.NaN;

  const configs = outageConfigs();
  const amplification: Record<string, number> = {};
  for (const [name, config] of Object.entries(configs)) {
    amplification[name] = await attemptsPerRequest(config, SCENARIO);
    progress(`outage simulation "${name}": ${amplification[name]?.toFixed(4)} attempts/request`);
  }
  amplification.withBudgetColdStart = await attemptsPerRequest(
    configs.withBudget ?? {},
    COLD_START,
  );
  progress(
    `outage simulation "withBudget", cold start: ${amplification.withBudgetColdStart.toFixed(4)}`,
  );

  const result = {
    bareNsPerCall: round(ns('bare'), 1),
    pipelineNsPerCall: round(ns('pipeline'), 1),
    pipelineWithSignalNsPerCall: round(ns('pipelineWithSignal'), 1),
    pipelineWithDeadlineNsPerCall: round(ns('pipelineWithDeadline'), 1),
    cockatielNsPerCall: round(ns('cockatiel'), 1),
    opossumNsPerCall: round(ns('opossum'), 1),
    pipelineOverheadNsPerCall: round(ns('pipeline') - ns('bare'), 1),
    httpClientNsPerCall: round(ns('httpClient'), 1),
    httpClientObservedNsPerCall: round(ns('httpClientObserved'), 1),
    httpClientPerCallNsPerCall: round(ns('httpClientPerCall'), 1),
    pipelineToOpossumRatio: round(ns('pipeline') / ns('opossum'), 3),
    pipelineToCockatielRatio: round(ns('pipeline') / ns('cockatiel'), 3),
    attemptsPerRequestWithoutBudget: round(amplification.withoutBudget ?? Number.NaN, 4),
    attemptsPerRequestWithBudget: round(amplification.withBudget ?? Number.NaN, 4),
    attemptsPerRequestWithBudgetColdStart: round(
      amplification.withBudgetColdStart ?? Number.NaN,
      4,
    ),
    attemptsPerRequestFullPolicy: round(amplification.fullPolicy ?? Number.NaN, 4),
    targets: {
      pipelineOverheadAtMost2us: ns('pipeline') - ns('bare') <= 2_000,
      pipelineBelowOpossum: ns('pipeline') < ns('opossum'),
      attemptsWithBudgetAtMost1_1: (amplification.withBudget ?? Infinity) <= 1.1,
    },
    setup: {
      rounds: ROUNDS,
      callsPerRound: CALLS_PER_ROUND,
      outage: {
        ...SCENARIO,
        maxAttempts: 3,
        budget: 'defaults: ratio 0.1, minPerSecond 3, window 10 s',
      },
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: availableParallelism(),
      date: new Date(startedAt).toISOString(),
      seconds: round((Date.now() - startedAt) / 1000, 1),
    },
  };

  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const rows = Object.entries(success).map(([key, v]) => [
    v.label,
    v.nsPerCall.toFixed(0),
    key === 'bare' ? '' : (v.nsPerCall - ns('bare')).toFixed(0),
    (v.nsPerCall / ns('opossum')).toFixed(2),
  ]);
  const lines = [
    `Success path (median of ${ROUNDS} rounds × ${CALLS_PER_ROUND.toLocaleString('en')} calls; ${result.setup.node}, ${result.setup.cores} cores)`,
    table(['variant', 'ns/call', 'overhead ns', '× opossum'], rows),
    '',
    `Total outage after ${SCENARIO.warmupSeconds} s of healthy traffic: ${SCENARIO.requestsPerSecond} req/s open-loop, ${SCENARIO.outageSeconds} s simulated, maxAttempts 3`,
    table(
      ['configuration', 'attempts/request'],
      [
        ['retry, no budget (breaker off)', result.attemptsPerRequestWithoutBudget.toFixed(4)],
        ['retry + budget (breaker off)', result.attemptsPerRequestWithBudget.toFixed(4)],
        [
          '  same, dependency already down at start-up',
          result.attemptsPerRequestWithBudgetColdStart.toFixed(4),
        ],
        ['full default policy (breaker on)', result.attemptsPerRequestFullPolicy.toFixed(4)],
      ],
    ),
    '',
    `Targets: overhead ≤ 2 µs ${mark(result.targets.pipelineOverheadAtMost2us)}, below opossum ${mark(result.targets.pipelineBelowOpossum)}, ≤ 1.1 attempts/request with budget ${mark(result.targets.attemptsWithBudgetAtMost1_1)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function mark(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
