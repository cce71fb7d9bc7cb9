import { z } from 'zod';
import { FaultRulesInvalidError } from './fault-injection.errors';

/** Longest latency or CPU burn a rule may ask for (ms): an experiment, not a denial of service. */
export const MAX_FAULT_DURATION_MS = 120_000;

const duration = z.number().int().min(0).max(MAX_FAULT_DURATION_MS);

/**
 * What a rule does when it fires:
 * - `latency`: waits `ms`, or a uniformly random time in [`minMs`, `maxMs`], before the call;
 * - `error`: fails the call — inbound with HTTP `status` (default 500), outbound by throwing
 *   as if the dependency had answered `status`;
 * - `abort`: drops the connection — inbound destroys the socket, outbound throws a connection
 *   reset (`ECONNRESET`);
 * - `corrupt`: mangles the response body (truncated, garbage appended);
 * - `cpu`: burns the CPU in a busy loop for `durationMs`, blocking the event loop;
 * - `memory`: a leak — retains `kib` KiB more on the V8 heap each time it fires, up to `maxMib`
 *   MiB in all, held until the rules are replaced or cleared;
 * - `exit`: terminates the process with `exitCode` (default 1), as a crash would.
 */
export type FaultSpec =
  | { kind: 'latency'; ms?: number; minMs?: number; maxMs?: number }
  | { kind: 'error'; status?: number; message?: string }
  | { kind: 'abort' }
  | { kind: 'corrupt' }
  | { kind: 'cpu'; durationMs: number }
  | { kind: 'memory'; kib: number; maxMib: number }
  | { kind: 'exit'; exitCode?: number };

/** The kind of a fault: a metric label. */
export type FaultKind = FaultSpec['kind'];

/**
 * Where a rule applies: inbound requests by route, outbound calls by dependency, or Kafka by
 * topic — `publish` where the outbox relay sends a batch, `consume` before a consumer hands a
 * message (or a batch) to its handler.
 */
export type FaultTarget = 'route' | 'dependency' | 'publish' | 'consume';

/** The targets that act on Kafka traffic (name = topic pattern). */
export type MessagingFaultTarget = Extract<FaultTarget, 'publish' | 'consume'>;

/**
 * Kinds that act on the whole process rather than on one call — `cpu` stalls every request,
 * `memory` fills the heap they share, `exit` ends them all — so a process accepts them only
 * when told to (`allowDestructive`).
 */
export const DESTRUCTIVE_FAULT_KINDS: ReadonlySet<FaultKind> = new Set(['cpu', 'memory', 'exit']);

/** Largest `memory` leak a rule may build up (MiB): past any heap a service is given. */
export const MAX_FAULT_MEMORY_MIB = 4096;

/** The targets a rule can have (the schema's enum). */
export const FAULT_TARGETS = ['route', 'dependency', 'publish', 'consume'] as const;

/**
 * Kinds that mean something on a Kafka send or a handling: wait, fail, or fail as a dropped
 * connection. `corrupt` has no response body to mangle there; `cpu`, `memory` and `exit` act on
 * the whole process and belong on a route, where their blast radius is clear.
 */
const MESSAGING_KINDS: ReadonlySet<FaultKind> = new Set(['latency', 'error', 'abort']);

/**
 * One fault-injection rule. `name` matches a route (`"POST /v1/checkout"`, i.e. method and
 * route template), a dependency name (`"payment"`) or a Kafka topic (`"orders"`, for `publish`
 * and `consume`); `*` in it matches any characters. On each matching call the rule fires with
 * `probability`.
 */
export interface FaultRule {
  /** Unique id of the rule (used in span events and by operators). */
  id: string;
  target: FaultTarget;
  /** Route, dependency or topic name, or a pattern with `*`. Also the `name` metric label. */
  name: string;
  /** Chance the rule fires on a matching call, 0..1. */
  probability: number;
  /** Rules are inert unless enabled. */
  enabled: boolean;
  fault: FaultSpec;
}

const faultSpec = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('latency'),
    ms: duration.optional(),
    minMs: duration.optional(),
    maxMs: duration.optional(),
  }),
  z.strictObject({
    kind: z.literal('error'),
    status: z.number().int().min(400).max(599).optional(),
    message: z.string().max(200).optional(),
  }),
  z.strictObject({ kind: z.literal('abort') }),
  z.strictObject({ kind: z.literal('corrupt') }),
  z.strictObject({ kind: z.literal('cpu'), durationMs: duration }),
  z.strictObject({
    kind: z.literal('memory'),
    kib: z
      .number()
      .int()
      .min(1)
      .max(64 * 1024),
    maxMib: z.number().int().min(1).max(MAX_FAULT_MEMORY_MIB),
  }),
  z.strictObject({
    kind: z.literal('exit'),
    exitCode: z.number().int().min(0).max(255).optional(),
  }),
]);

const faultRule = z.strictObject({
  id: z.string().min(1).max(100),
  target: z.enum(FAULT_TARGETS),
  name: z.string().min(1).max(200),
  probability: z.number().min(0).max(1),
  enabled: z.boolean(),
  fault: faultSpec,
});

const faultRules = z
  .array(faultRule)
  .max(100)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      if (seen.has(rule.id))
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'duplicate rule id' });
      seen.add(rule.id);
      const f = rule.fault;
      if (
        (rule.target === 'publish' || rule.target === 'consume') &&
        !MESSAGING_KINDS.has(f.kind)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'fault', 'kind'],
          message: `${rule.target} rules take latency, error or abort, not ${f.kind}`,
        });
      }
      if (f.kind !== 'latency') return;
      const fixed = f.ms !== undefined && f.minMs === undefined && f.maxMs === undefined;
      const range =
        f.ms === undefined && f.minMs !== undefined && f.maxMs !== undefined && f.minMs <= f.maxMs;
      if (!fixed && !range) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'fault'],
          message: 'latency needs either ms, or minMs <= maxMs',
        });
      }
    });
  });

/**
 * Validates untrusted rules (config at start-up, the admin API at runtime).
 * @throws FaultRulesInvalidError listing every problem (maps to HTTP 400)
 */
export function parseFaultRules(input: unknown): FaultRule[] {
  const parsed = faultRules.safeParse(input);
  if (!parsed.success) {
    throw new FaultRulesInvalidError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return parsed.data;
}

/** True when `name` matches `pattern` (`*` = any run of characters, everything else literal). */
export function matchesName(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(name);
}
