/** Command-line options of `npm run soak -- …`. */
export interface SoakOptions {
  /** `--minutes N`: length of the soak after the warm-up (default 30, the target's window). */
  minutes: number;
  /** `--rate R`: checkouts per second, open loop (default {@link DEFAULT_SOAK_RATE_RPS}). */
  rateRps: number;
  /** `--warmup-seconds S`: load at the same rate before the baseline is taken (default 60). */
  warmupSeconds: number;
  /** `--sample-seconds S`: one sample (and one latency window) every S seconds (default 10). */
  sampleSeconds: number;
  /** `--json`: one JSON object on stdout instead of the text report. */
  json: boolean;
  /** `--skip-build`: do not run `nx run-many -t build` first (the dist folders are current). */
  skipBuild: boolean;
}

/**
 * The default arrival rate, checkouts/s: about 70 % of the capacity `npm run bench:checkout`
 * measures on the 2-core dev machine (50–60/s), so the soak runs loaded but not saturated.
 * A fixed figure because searching the capacity takes minutes; pass `--rate` on other machines.
 */
export const DEFAULT_SOAK_RATE_RPS = 35;

/** The memory target: RSS growth of every service after the warm-up, %. */
export const RSS_GROWTH_TARGET_PCT = 10;

/** The window the memory target is judged over, s: shorter runs report growth, not a verdict. */
export const RSS_GROWTH_TARGET_SECONDS = 30 * 60;

/** The options when no flag is given: 30 min at the default rate after a 60 s warm-up. */
export const SOAK_DEFAULTS: Readonly<SoakOptions> = {
  minutes: 30,
  rateRps: DEFAULT_SOAK_RATE_RPS,
  warmupSeconds: 60,
  sampleSeconds: 10,
  json: false,
  skipBuild: false,
};

const USAGE =
  'usage: npm run soak -- [--minutes N] [--rate R] [--warmup-seconds S] [--sample-seconds S] [--json] [--skip-build]';

/**
 * Parses the soak's arguments.
 * @throws RangeError on an unknown flag or an out-of-range value, with the usage line.
 */
export function parseSoakOptions(args: readonly string[]): SoakOptions {
  const options: SoakOptions = { ...SOAK_DEFAULTS };
  const number = (flag: string, raw: string | undefined, min: number, max: number) => {
    const value = Number(raw);
    if (raw === undefined || !Number.isFinite(value) || value < min || value > max)
      throw new RangeError(`${flag} needs a number from ${min} to ${max}\n${USAGE}`);
    return value;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') options.json = true;
    else if (arg === '--skip-build') options.skipBuild = true;
    else if (arg === '--minutes') options.minutes = number(arg, args[++i], 0.5, 24 * 60);
    else if (arg === '--rate') options.rateRps = number(arg, args[++i], 1, 1_000);
    else if (arg === '--warmup-seconds') options.warmupSeconds = number(arg, args[++i], 0, 3_600);
    else if (arg === '--sample-seconds') options.sampleSeconds = number(arg, args[++i], 2, 300);
    else throw new RangeError(`unknown argument ${String(arg)}\n${USAGE}`);
  }
  return options;
}

/**
 * Service settings of a soak run, over the load-run defaults: housekeeping every minute, and
 * the shortest retention each service accepts for published outbox rows (1 min) and
 * idempotency keys (1 min), so within a soak the bookkeeping tables reach the steady state a
 * week's retention reaches in production, and a table that housekeeping fails to keep bounded
 * shows as growth. Inbox rows must outlive every redelivery (at least a day): the inbox grows
 * for the whole run by design.
 */
export const SOAK_SERVICE_ENV = {
  checkout: {
    HOUSEKEEPING_INTERVAL_MS: '60000',
    OUTBOX_RETENTION_MS: '60000',
    IDEMPOTENCY_TTL_MS: '60000',
  },
  payment: {
    HOUSEKEEPING_INTERVAL_MS: '60000',
    OUTBOX_RETENTION_MS: '60000',
    IDEMPOTENCY_TTL_SECONDS: '60',
  },
  inventory: {
    HOUSEKEEPING_INTERVAL_MS: '60000',
    OUTBOX_RETENTION_MS: '60000',
    IDEMPOTENCY_TTL_SECONDS: '60',
  },
  analytics: { HOUSEKEEPING_INTERVAL_MS: '60000', IDEMPOTENCY_TTL_SECONDS: '60' },
} as const;
