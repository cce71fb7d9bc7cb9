import { z } from 'zod';

const secrets = new WeakSet<z.ZodType>();

/**
 * Marks a config value as a secret: it is validated like any string but printed as `***` by
 * {@link redactConfig} (and so never reaches logs).
 */
export function secret<T extends z.ZodType>(schema: T): T {
  secrets.add(schema);
  return schema;
}

/** `schema` and the schemas it wraps (`.default()`, `.optional()` …), outermost first. */
function unwrap(schema: z.ZodType): z.ZodType[] {
  const chain: z.ZodType[] = [];
  let current: z.ZodType | undefined = schema;
  while (current && chain.length < 6) {
    chain.push(current);
    const inner: z.ZodType | undefined = (current as unknown as { def?: { innerType?: z.ZodType } })
      .def?.innerType;
    current = inner;
  }
  return chain;
}

/** Whether `schema` (or the schema a default/optional wraps) was marked with {@link secret}. */
export function isSecret(schema: z.ZodType): boolean {
  return unwrap(schema).some((s) => secrets.has(s));
}

/** The `.describe()` text of `schema` or of the schema it wraps. */
export function describeKey(schema: z.ZodType): string | undefined {
  return unwrap(schema).find((s) => s.description)?.description;
}

/** Boolean from an environment string: `true/false/1/0/yes/no` (case-insensitive). */
export const envBoolean = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no', 'TRUE', 'FALSE'])])
  .transform((v) => v === true || ['true', '1', 'yes', 'TRUE'].includes(String(v)));

/**
 * The keys every service has. Services extend it:
 * `platformConfigSchema.extend({ DATABASE_URL: z.string().url().describe('...').default('...') })`.
 * Every key has a description and a default.
 */
export const platformConfigSchema = z.object({
  SERVICE_NAME: z.string().min(1).describe('Name in logs, metrics and traces.').default('service'),
  SERVICE_VERSION: z
    .string()
    .describe('Version reported in logs and the info metric.')
    .default('0.1.0'),
  HOST: z.string().describe('Interface to listen on.').default('0.0.0.0'),
  PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .describe('HTTP port (0 = any free port).')
    .default(3000),
  ADMIN_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:-]+$/, 'must be an IP address or a host name')
    .describe(
      'Interface the admin API (/admin/*) listens on; loopback by default, so only the host (or pod) reaches it.',
    )
    .default('127.0.0.1'),
  ADMIN_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .optional()
    .describe(
      'Port of the admin API (/admin/*), never the public PORT; default PORT + 1000 (0 = any free port, also the default when PORT is 0).',
    ),
  ALLOW_DESTRUCTIVE_FAULTS: envBoolean
    .describe(
      'Accept fault rules that burn the CPU (cpu) or end the process (exit); refused by default (dev/test platforms turn it on for chaos experiments).',
    )
    .default(false),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error'])
    .describe('Lowest level written to the JSON log.')
    .default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .describe('Largest accepted request body; larger bodies get 413.')
    .default(64 * 1024),
  TRUST_PROXY: z
    .string()
    .regex(
      /^(false|true|\d{1,2}|[0-9A-Fa-f.:/]+(,[0-9A-Fa-f.:/]+)*)$/,
      'must be false, true, a hop count or comma-separated proxy addresses/CIDRs',
    )
    .describe(
      "Which proxies' X-Forwarded-For to believe for the client address (anonymous rate-limit buckets): false (default: the socket peer), true (any), a hop count, or comma-separated proxy addresses/CIDRs.",
    )
    .default('false'),
  SHUTDOWN_GRACE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .describe('How long in-flight requests may run after SIGTERM before the process exits anyway.')
    .default(10_000),
  OTEL_ENABLED: envBoolean
    .describe('Start the OpenTelemetry SDK and export traces over OTLP.')
    .default(false),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .url()
    .describe('OTLP/HTTP base URL of the collector (traces go to <url>/v1/traces).')
    .default('http://127.0.0.1:4318'),
  OTEL_SAMPLING_RATIO: z.coerce
    .number()
    .min(0)
    .max(1)
    .describe('Share of new traces sampled (parent decisions are honoured).')
    .default(1),
});

/** The validated platform keys. */
export type PlatformConfig = z.infer<typeof platformConfigSchema>;
