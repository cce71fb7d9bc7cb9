import { z } from 'zod';

/** The platform's services (what `service` arguments accept). */
export const SERVICES = [
  'checkout',
  'cart',
  'payment',
  'inventory',
  'recommendations',
  'analytics',
] as const;

/** One of {@link SERVICES}. */
export type ServiceName = (typeof SERVICES)[number];

/** The proxies the harness puts in the platform's paths (see platform/chaos-platform.ts). */
export const PROXIES = [
  'checkout-inventory',
  'checkout-payment',
  'checkout-cart',
  'checkout-recommendations',
  'redis',
  'postgres-checkout',
  'postgres-payment',
  'postgres-inventory',
  'kafka',
] as const;

const service = z.enum(SERVICES);
const phase = z.enum(['run', 'before', 'fault', 'after']);
const seconds = z.number().min(0).max(600);

const metricSelector = z.strictObject({
  service,
  name: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/),
  labels: z.record(z.string(), z.string()).default({}),
  aggregate: z.enum(['sum', 'max', 'min']).default('sum'),
  /** Report the increase since the start of this phase instead of the value. */
  increase_since: phase.optional(),
});

/** A selector of samples on one service's `/metrics`. */
export type MetricSelector = z.infer<typeof metricSelector>;

const stats = [
  'requests',
  'offered_rps',
  'goodput_rps',
  'success_ratio',
  'goodput_ratio',
  'error_ratio',
  'shed_ratio',
  'unclean_error_ratio',
  'p50_ms',
  'p99_ms',
  'max_ms',
] as const;

/** The services the background read load may drive (their public read endpoints). */
export const READ_SERVICES = ['recommendations', 'analytics', 'cart'] as const;

const readTarget = z.strictObject({
  service: z.enum(READ_SERVICES),
  /** Path and query of a GET; `{sku}`, `{sku2}` (catalogue SKUs, rotating) and `{n}` replaced. */
  path: z.string().regex(/^\/v1\//, 'a path of the public API, /v1/…'),
  rate_rps: z.number().positive().max(1_000),
});

const shedSelection = z.strictObject({
  services: z.array(service).min(1),
  /** Over the services: the lowest or highest ratio, or the pooled one (all sheds / all requests). */
  aggregate: z.enum(['min', 'max', 'pooled']).default('max'),
});

/** The invariants `invariants` checks (each counts violations among this run's orders). */
export const INVARIANTS = [
  'unfinished_orders',
  'double_charge',
  'confirmed_without_one_capture',
  'failed_with_capture',
  'capture_without_order',
  'failed_stock_held',
  'confirmed_not_committed',
] as const;

/**
 * Every harness function an experiment may name, with its kind and the schema of its
 * `arguments`. The loader refuses an unknown function, a probe used as an action (or the other
 * way round) and bad arguments, naming the field.
 */
export const CATALOGUE = {
  // ---- probes -----------------------------------------------------------------------------
  load_stats: {
    kind: 'probe',
    doc: 'A figure of the open-loop checkout load over a window (a phase, or the last N s).',
    arguments: z.strictObject({
      stat: z.enum(stats),
      window: phase.or(z.literal('last')).default('run'),
      seconds: seconds.optional(),
    }),
  },
  metric: {
    kind: 'probe',
    doc: 'Samples of one metric on one service (every instance), summed (or max/min); optionally the increase since a phase began, or divided by another selector (a ratio over fewer than `min_divisor` is not a reading: NaN, so it fails).',
    arguments: metricSelector.extend({
      divide_by: metricSelector.optional(),
      /** The least divisor a ratio is read over; below it the probe reads NaN. */
      min_divisor: z.number().nonnegative().default(0),
    }),
  },
  invariants: {
    kind: 'probe',
    doc: "Violations of the money/stock invariants among this run's orders, after letting unfinished sagas settle.",
    arguments: z.strictObject({
      checks: z
        .array(z.enum(INVARIANTS))
        .min(1)
        .default([...INVARIANTS]),
      settle_seconds: seconds.default(30),
    }),
  },
  sql: {
    kind: 'probe',
    doc: "The first column of the first row of a read-only query on a service's database (`$1` = this run's customer id prefix + '-%').",
    arguments: z.strictObject({
      database: z.enum(['checkout', 'payment', 'inventory', 'analytics']),
      query: z.string().regex(/^\s*(SELECT|WITH)\b/i, 'only a SELECT (or WITH … SELECT) query'),
    }),
  },
  span_attribute: {
    kind: 'probe',
    doc: "A numeric attribute over one service's spans started since a phase began (exported to the harness's receiver): mean, min, max or count.",
    arguments: z.strictObject({
      service,
      attribute: z.string().min(1),
      span_kind: z.enum(['server', 'client', 'internal']).default('server'),
      since: phase.default('fault'),
      aggregate: z.enum(['mean', 'min', 'max', 'count']).default('mean'),
    }),
  },
  read_load_stats: {
    kind: 'probe',
    doc: "A figure of the background read load's stream at one service over a window (as load_stats for checkout); optionally checkout's figure minus it.",
    arguments: z.strictObject({
      service: z.enum(READ_SERVICES),
      stat: z.enum(stats),
      window: phase.or(z.literal('last')).default('run'),
      seconds: seconds.optional(),
      /** Report the checkout load's figure minus this stream's, over the same window. */
      subtract_from_checkout: z.boolean().default(false),
    }),
  },
  shed_ratio: {
    kind: 'probe',
    doc: "Share of the requests each service's load shedder refused since a phase began (resilience_load_shedding_shed_total / (shed + admitted), from /metrics), over the services named; `minus` subtracts the same figure of other services (e.g. tier 3-4's lowest minus tier 1's highest).",
    arguments: shedSelection.extend({
      since: phase.default('fault'),
      minus: shedSelection.optional(),
    }),
  },
  consumer_lag: {
    kind: 'probe',
    doc: "Total lag of the platform's consumer groups (or the ones named).",
    arguments: z.strictObject({ groups: z.array(z.string()).optional() }),
  },
  config_drift: {
    kind: 'probe',
    doc: 'Distinct config_hash values (service_info) among the running instances of a service.',
    arguments: z.strictObject({ service }),
  },
  cpu_throttle: {
    kind: 'probe',
    doc: "A figure of a service's CPU limit (cpu.stat of its throttle group, live or as last released): `throttled_periods` (100 ms periods in which it hit the limit), `throttled_ms`, or `throttled_ratio` (throttled / all periods).",
    arguments: z.strictObject({
      service,
      stat: z.enum(['throttled_periods', 'throttled_ms', 'throttled_ratio']),
    }),
  },
  service_ready: {
    kind: 'probe',
    doc: 'Whether /health/ready of a service answers 200.',
    arguments: z.strictObject({ service }),
  },
  // ---- actions ----------------------------------------------------------------------------
  kill_service: {
    kind: 'action',
    doc: 'Kills a service process (SIGKILL by default).',
    arguments: z.strictObject({
      service,
      signal: z.enum(['SIGKILL', 'SIGTERM']).default('SIGKILL'),
    }),
  },
  start_service: {
    kind: 'action',
    doc: 'Starts a stopped service and waits until it is ready (no-op when it runs).',
    arguments: z.strictObject({ service }),
  },
  restart_service_with_env: {
    kind: 'action',
    doc: 'Restarts a service with extra environment (e.g. a protection switched off); {} restores the defaults.',
    arguments: z.strictObject({ service, env: z.record(z.string(), z.string()).default({}) }),
  },
  freeze: {
    kind: 'action',
    doc: 'SIGSTOPs a process: a service, the Kafka broker, or a Postgres backend of a database.',
    arguments: z.strictObject({
      target: z.union([service, z.literal('kafka'), z.literal('postgres-backend')]),
      database: z.string().optional(),
      seconds: seconds.optional(),
    }),
  },
  thaw: {
    kind: 'action',
    doc: 'SIGCONTs what freeze stopped (every frozen process when no target is given).',
    arguments: z.strictObject({
      target: z.union([service, z.literal('kafka'), z.literal('postgres-backend')]).optional(),
    }),
  },
  add_toxic: {
    kind: 'action',
    doc: 'Adds a toxic to one of the proxies in the platform path (toxiproxy API fields).',
    arguments: z.strictObject({
      proxy: z.enum(PROXIES),
      type: z.enum([
        'latency',
        'bandwidth',
        'slow_close',
        'timeout',
        'reset_peer',
        'slicer',
        'limit_data',
      ]),
      name: z.string().optional(),
      stream: z.enum(['upstream', 'downstream']).default('downstream'),
      toxicity: z.number().min(0).max(1).default(1),
      attributes: z.record(z.string(), z.number()).default({}),
    }),
  },
  remove_toxic: {
    kind: 'action',
    doc: 'Removes a toxic (absent is fine).',
    arguments: z.strictObject({ proxy: z.enum(PROXIES), name: z.string() }),
  },
  set_proxy_enabled: {
    kind: 'action',
    doc: 'Takes a proxy down (enabled false: every connection closed, new ones refused) or up.',
    arguments: z.strictObject({ proxy: z.enum(PROXIES), enabled: z.boolean() }),
  },
  reset_proxies: {
    kind: 'action',
    doc: 'Removes every toxic and enables every proxy.',
    arguments: z.strictObject({}),
  },
  set_fault_rules: {
    kind: 'action',
    doc: "Replaces a service's fault-injection rules through its admin API (libs/resilience rules).",
    arguments: z.strictObject({ service, rules: z.array(z.record(z.string(), z.unknown())) }),
  },
  clear_fault_rules: {
    kind: 'action',
    doc: 'Turns off every fault rule of a service (of every service when none is named).',
    arguments: z.strictObject({ service: service.optional() }),
  },
  burn_cpu: {
    kind: 'action',
    doc: 'Starts busy-looping processes that compete for the CPU for `seconds`.',
    arguments: z.strictObject({ workers: z.number().int().min(1).max(16), seconds }),
  },
  stop_cpu_burn: {
    kind: 'action',
    doc: 'Stops the CPU burners.',
    arguments: z.strictObject({}),
  },
  measure_cpu: {
    kind: 'action',
    doc: "Measures one service's CPU use over `seconds` of whatever load runs (user + system time of its process, /proc/<pid>/stat, as a CFS quota counts it), as % of one core; throttle_cpu's `headroom` sizes its limit from it.",
    arguments: z.strictObject({ service, seconds: z.number().min(1).max(60) }),
  },
  throttle_cpu: {
    kind: 'action',
    doc: "Limits one service's process to `percent` % of one core with the kernel's CFS bandwidth control (cgroup v2 cpu.max, else v1 cpu.cfs_quota_us; 100 ms periods), as a container CPU limit does; released by release_cpu_throttle, after `seconds`, or by the safety net. With `headroom`, the limit is `headroom` × the use measure_cpu last measured for this process, never below `percent` (fails when it measured none). Fails, saying so, where no cpu controller is writable.",
    arguments: z.strictObject({
      service,
      percent: z.number().min(1).max(100),
      headroom: z.number().min(1).max(10).optional(),
      seconds: seconds.optional(),
    }),
  },
  release_cpu_throttle: {
    kind: 'action',
    doc: 'Lifts the CPU limit of the service named (every throttled service when none).',
    arguments: z.strictObject({ service: service.optional() }),
  },
  hold_row_locks: {
    kind: 'action',
    doc: "Opens a transaction on a service's database from outside it (as a long batch job or a forgotten psql session would) that locks every row of `table` FOR UPDATE and holds them for `seconds`; the service's statements needing those rows wait while holding their pool connections. Released by release_row_locks, the safety net, or the server itself (idle_in_transaction_session_timeout) if the harness stops.",
    arguments: z.strictObject({
      database: z.enum(['checkout', 'payment', 'inventory']),
      table: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a table name (lower case)'),
      seconds,
    }),
  },
  release_row_locks: {
    kind: 'action',
    doc: 'Rolls back every transaction hold_row_locks opened: the locks go at once.',
    arguments: z.strictObject({}),
  },
  start_replica: {
    kind: 'action',
    doc: 'Starts a second instance of a service on its own port, with extra environment; `direct_database` connects it to Postgres directly rather than through the proxy, so a proxy fault cuts the primary alone.',
    arguments: z.strictObject({
      service,
      env: z.record(z.string(), z.string()).default({}),
      direct_database: z.boolean().default(false),
    }),
  },
  stop_replicas: {
    kind: 'action',
    doc: 'Stops every extra instance.',
    arguments: z.strictObject({}),
  },
  start_read_load: {
    kind: 'action',
    doc: "Starts open-loop GETs on the lower tiers' public read endpoints (one stream per target, on the checkout load's clock) for `seconds`, alongside the checkout load.",
    arguments: z.strictObject({ targets: z.array(readTarget).min(1), seconds }),
  },
  stop_read_load: {
    kind: 'action',
    doc: 'Stops the background read load and waits for its requests in flight.',
    arguments: z.strictObject({}),
  },
  delete_cache_keys: {
    kind: 'action',
    doc: "Deletes a service's cached answers in Redis (keys matching `pattern`, e.g. `reco:cache:*`), so the next reads find a cold cache. Only cache keys: the pattern must name a `…:cache:` prefix. `server`: the cache Redis (REDIS_CACHE_URL, default) or the state one.",
    arguments: z.strictObject({
      pattern: z
        .string()
        .regex(/^[a-z][a-z0-9-]*:cache:[\w:*-]*$/, 'a cache key pattern such as reco:cache:*'),
      server: z.enum(['cache', 'state']).optional(),
    }),
  },
  set_load: {
    kind: 'action',
    doc: 'Changes the open-loop arrival rate to `multiplier` × the configured rate.',
    arguments: z.strictObject({ multiplier: z.number().positive().max(20) }),
  },
} as const satisfies Record<
  string,
  { kind: 'probe' | 'action'; doc: string; arguments: z.ZodType<Record<string, unknown>> }
>;

/** Name of a harness function. */
export type HarnessFunc = keyof typeof CATALOGUE;

/** The parsed arguments of a harness function. */
export type ArgumentsOf<F extends HarnessFunc> = z.output<(typeof CATALOGUE)[F]['arguments']>;
