import { z } from 'zod';

/**
 * The experiment file format: the Chaos Toolkit experiment shape (title, description, tags,
 * configuration, `steady-state-hypothesis` with probes and tolerances, `method` of actions,
 * probes and pauses, `rollbacks`). Providers are Chaos Toolkit's `http` provider, or `harness`:
 * a named fault or probe of this project (the counterpart of Chaos Toolkit's `python` provider,
 * `func` + `arguments`; see activities/catalogue.ts). Extensions, all optional:
 * - a hypothesis probe's `within` (s): after the fault, the probe is retried until it holds or
 *   this long has passed (recovery must happen, but need not be instant); before the fault, the
 *   same bound lets the steady state settle (the warm-up goes on until the probe holds);
 * - a method activity's `fault: "start" | "end"` marks the fault window on the report's charts;
 * - a method probe's `tolerance` is judged too (the "during" checks); with `within`, it is
 *   retried until it holds or that long has passed (scaled like the pauses), e.g. a ratio that
 *   needs enough samples (`min_divisor`) before it is a reading.
 */

/** Chaos Toolkit tolerance: a value, a list of accepted values, or a typed object. */
const tolerance = z.union([
  z.boolean(),
  z.number(),
  z.string(),
  z.array(z.union([z.number(), z.string(), z.boolean()])).min(1),
  z.strictObject({
    type: z.literal('range'),
    range: z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo <= hi, 'range: lo > hi'),
    target: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('regex'), pattern: z.string(), target: z.string().optional() }),
]);

const httpProvider = z.strictObject({
  type: z.literal('http'),
  /** URL; `${checkout}` … `${analytics}` are replaced by each service's base URL. */
  url: z.string().min(1),
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD']).default('GET'),
  headers: z.record(z.string(), z.string()).optional(),
  arguments: z.unknown().optional(),
  /** Seconds. */
  timeout: z.number().positive().max(60).default(5),
});

const harnessProvider = z.strictObject({
  type: z.literal('harness'),
  func: z.string().min(1),
  arguments: z.record(z.string(), z.unknown()).default({}),
});

const provider = z.discriminatedUnion('type', [httpProvider, harnessProvider]);

const pauses = z
  .strictObject({
    before: z.number().min(0).max(600).optional(),
    after: z.number().min(0).max(600).optional(),
  })
  .optional();

const probe = z.strictObject({
  type: z.literal('probe'),
  name: z.string().min(1),
  provider,
  tolerance: tolerance.optional(),
  pauses,
  within: z.number().min(0).max(600).optional(),
  fault: z.enum(['start', 'end']).optional(),
  background: z.boolean().optional(),
});

const action = z.strictObject({
  type: z.literal('action'),
  name: z.string().min(1),
  provider,
  pauses,
  fault: z.enum(['start', 'end']).optional(),
  background: z.boolean().optional(),
});

const activity = z.discriminatedUnion('type', [probe, action]);

/** The whole experiment file. */
export const experimentSchema = z.strictObject({
  version: z.string().default('1.0.0'),
  title: z.string().min(1),
  description: z.string().min(1),
  tags: z.array(z.string()).default([]),
  contributions: z.record(z.string(), z.string()).optional(),
  configuration: z
    .strictObject({
      /** Open-loop checkout arrivals per second for the whole run. */
      load_rate_rps: z.number().positive().max(500).default(10),
      /** Seconds of load before the hypothesis is first checked. */
      warmup_seconds: z.number().min(0).max(120).default(5),
      /** `--quick` multiplies every pause by this. */
      quick_pause_scale: z.number().positive().max(1).default(0.5),
      /** Latency objective of the goodput figure, ms. */
      slo_ms: z.number().positive().default(1_000),
      /** Budget each checkout of the load asks for (`x-request-timeout-ms`); none by default. */
      deadline_ms: z.number().int().positive().max(10_000).optional(),
      /**
       * Environment a service runs with for this experiment (it is restarted with it before the
       * load starts, and with its defaults afterwards), e.g. a policy the experiment is about.
       * `${otlp_endpoint}` in a value is the harness's trace receiver.
       */
      service_env: z
        .partialRecord(
          z.enum(['checkout', 'cart', 'payment', 'inventory', 'recommendations', 'analytics']),
          z.record(z.string(), z.string()),
        )
        .default({}),
    })
    .prefault({}),
  'steady-state-hypothesis': z.strictObject({
    title: z.string().min(1),
    probes: z
      .array(probe.refine((p) => p.tolerance !== undefined, 'a hypothesis probe needs a tolerance'))
      .min(1),
  }),
  method: z.array(activity).min(1),
  rollbacks: z.array(action).default([]),
});

/** A parsed experiment. */
export type Experiment = z.infer<typeof experimentSchema>;
/** One activity of the method. */
export type Activity = z.infer<typeof activity>;
/** A probe (hypothesis or method). */
export type Probe = z.infer<typeof probe>;
/** An action (method or rollback). */
export type Action = z.infer<typeof action>;
/** A tolerance. */
export type Tolerance = z.infer<typeof tolerance>;
/** A provider. */
export type Provider = z.infer<typeof provider>;
