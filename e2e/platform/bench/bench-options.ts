/** Command-line options of `npm run bench:checkout -- …`. */
export interface BenchOptions {
  /** `--json`: one JSON object on stdout instead of the table. */
  json: boolean;
  /** `--quick`: shorter steps, for a smoke run (figures are noisier). */
  quick: boolean;
  /** `--slo-ms N`: p99 objective of the capacity search, ms (default 1000). */
  sloP99Ms: number;
  /** `--skip-build`: do not run `nx run-many -t build` first (the dist folders are current). */
  skipBuild: boolean;
  /** `--no-tier-priority`: every service at the default CPU priority (to compare; see TIER_NICENESS). */
  tierPriority: boolean;
  /**
   * `--cost-rate N`: run the cost step at N checkouts/s instead of half the capacity found, so
   * two runs (before and after a change) measure their cost at the same rate.
   */
  costRateRps?: number;
  /**
   * `--cost-only`: only the platform at rest and cost steps at `--cost-rate` (required): no
   * capacity search, overload or tracing restarts. For A/B runs of one change: longer steps and
   * repeats read the cost with less spread than a full run's one short step.
   */
  costOnly: boolean;
  /** `--cost-seconds N`: length of each cost step, s (default: the half-capacity step's). */
  costSeconds?: number;
  /** `--repeat N`: cost steps in a `--cost-only` run (default 3). */
  repeat: number;
  /** `--idle-seconds N`: length of each reading of the platform at rest, s (default 30; 10 with --quick). */
  idleSeconds?: number;
  /**
   * `--env KEY=VALUE` (repeatable): set in every service's environment, over the run's own
   * settings, to price a setting without a code change (e.g. `--env OTEL_ENABLED=false`).
   */
  serviceEnv: Record<string, string>;
}

/** Durations and rates of one run, derived from the options. */
export interface BenchPlan {
  /** Arrival rates of the capacity search, ascending, requests/s. */
  rates: readonly number[];
  /** Load window of each capacity step, s. */
  stepSeconds: number;
  /** Load window of the half-capacity step, s. */
  halfSeconds: number;
  /** Load window of each pipeline on/off step (at capacity, then overloaded), s. */
  comparisonSeconds: number;
  /** Warm-up before the measured steps (and after the restart), s. */
  warmupSeconds: number;
  /** The pipeline comparison runs at this multiple of the measured capacity. */
  overloadFactor: number;
  /** A request unanswered this long after its scheduled send time is an error, ms. */
  requestTimeoutMs: number;
  /** Error ratio that fails a capacity step. */
  maxErrorRatio: number;
  /** Further overload steps (pipeline on), as multiples of capacity: goodput and shed latency. */
  sheddingFactors: readonly number[];
  /** The platform at rest before any load, s (30; 10 with --quick). */
  idleSeconds: number;
  /** After a cost step, how long the consumers get to apply its events before the reading, s. */
  costDrainSeconds: number;
  /**
   * After the load phases, how long the platform rests before its memory is read again, s: the
   * services give their spare heap back once they have settled at rest (~14 s after the load).
   */
  restMemorySeconds: number;
  /** Each tracing setting (off, 10 %, 100 %): warm-up after the restart, then the cost step, s. */
  tracingWarmupSeconds: number;
  tracingSeconds: number;
  /**
   * The tracing settings measured after restarting every service with them. `--quick` leaves
   * out `ratio10` (the run's own setting): its figure is then the main half-capacity step's.
   */
  tracingRestarts: readonly ('off' | 'ratio10' | 'ratio100')[];
  /** Parent-based sampling ratio of the run (the Compose default). */
  samplingRatio: number;
}

const USAGE =
  'usage: npm run bench:checkout -- [--json] [--quick] [--slo-ms <ms>] [--skip-build] [--no-tier-priority] [--cost-rate <rps>] [--cost-only [--cost-seconds <s>] [--repeat <n>]] [--idle-seconds <s>] [--env KEY=VALUE ...]';

/**
 * Parses the benchmark's arguments.
 * @throws RangeError on an unknown flag or a bad `--slo-ms` or `--cost-rate` value, with the usage line.
 */
export function parseBenchOptions(args: readonly string[]): BenchOptions {
  const options: BenchOptions = {
    json: false,
    quick: false,
    sloP99Ms: 1000,
    skipBuild: false,
    tierPriority: true,
    costOnly: false,
    repeat: 3,
    serviceEnv: {},
  };
  const integer = (flag: string, min: number, max: number, unit: string) => {
    const value = Number(args[++i]);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new RangeError(`${flag} needs an integer from ${min} to ${max} (${unit})\n${USAGE}`);
    return value;
  };
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') options.json = true;
    else if (arg === '--quick') options.quick = true;
    else if (arg === '--skip-build') options.skipBuild = true;
    else if (arg === '--no-tier-priority') options.tierPriority = false;
    else if (arg === '--cost-only') options.costOnly = true;
    else if (arg === '--slo-ms') options.sloP99Ms = integer(arg, 10, 60_000, 'ms');
    else if (arg === '--cost-rate') options.costRateRps = integer(arg, 1, 1_000, 'checkouts/s');
    else if (arg === '--cost-seconds') options.costSeconds = integer(arg, 2, 3_600, 's');
    else if (arg === '--repeat') options.repeat = integer(arg, 1, 100, 'cost steps');
    else if (arg === '--idle-seconds') options.idleSeconds = integer(arg, 5, 3_600, 's');
    else if (arg === '--env') {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/s.exec(args[++i] ?? '');
      if (!match) throw new RangeError(`--env needs KEY=VALUE (an upper-case key)\n${USAGE}`);
      options.serviceEnv[match[1]!] = match[2]!;
    } else throw new RangeError(`unknown argument ${String(arg)}\n${USAGE}`);
  }
  if (options.costOnly && options.costRateRps === undefined)
    throw new RangeError(`--cost-only needs --cost-rate (the rate of its cost steps)\n${USAGE}`);
  return options;
}

/** The run's plan: ~6 min by default, under 3 min with `--quick`. */
export function benchPlan(options: BenchOptions): BenchPlan {
  return {
    rates: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 120, 140, 160, 200, 250, 300],
    stepSeconds: options.quick ? 4 : 8,
    halfSeconds: options.costSeconds ?? (options.quick ? 6 : 20),
    comparisonSeconds: options.quick ? 5 : 12,
    warmupSeconds: options.quick ? 2 : 4,
    overloadFactor: 2,
    requestTimeoutMs: 10_000,
    maxErrorRatio: 0.001,
    sheddingFactors: [3, 5],
    idleSeconds: options.idleSeconds ?? (options.quick ? 10 : 30),
    costDrainSeconds: options.quick ? 2 : 3,
    restMemorySeconds: 20,
    tracingWarmupSeconds: options.quick ? 2 : 8,
    tracingSeconds: options.quick ? 4 : 15,
    tracingRestarts: options.quick ? ['off', 'ratio100'] : ['off', 'ratio100', 'ratio10'],
    samplingRatio: 0.1,
  };
}
