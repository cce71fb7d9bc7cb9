import type { LoadSecond, LoadStats } from '../load/load-stats';

/** A probe judged against its tolerance at one moment of the run. */
export interface Judgement {
  phase: 'before' | 'during' | 'after';
  probe: string;
  value: unknown;
  expected: string;
  ok: boolean;
  /** Seconds since the load started. */
  at: number;
  /** How many times it was read (a hypothesis probe with `within` is retried). */
  attempts: number;
  error?: string;
}

/** One activity (action or probe) of the method or the rollbacks, as it ran. */
export interface ActivityRecord {
  name: string;
  type: 'action' | 'probe';
  provider: string;
  phase: 'method' | 'rollback' | 'safety-net';
  start: number;
  end: number;
  ok: boolean;
  output?: unknown;
  error?: string;
}

/** A sampled series for the report (seconds since the load started → value). */
export interface Series {
  name: string;
  points: [number, number][];
}

/**
 * What one run leaves behind (journal.json): the verdict, every judgement before/during/after,
 * every activity with its timestamps, the phase windows, the load figures per phase, and the
 * timelines the report draws. Never holds a secret: arguments and outputs are redacted.
 */
export interface Journal {
  experiment: { id: string; title: string; description: string; tags: string[]; file: string };
  /** A variant of the experiment (e.g. a protection switched off), when it is one. */
  variant?: string;
  runId: string;
  startedAt: string;
  endedAt: string;
  quick: boolean;
  /**
   * completed: every judgement held; failed: a hypothesis or a during-check did not;
   * aborted: the steady state did not hold before the fault (nothing injected);
   * interrupted: Ctrl-C; errored: the run itself broke (an action threw).
   */
  status: 'completed' | 'failed' | 'aborted' | 'interrupted' | 'errored';
  error?: string;
  durationSeconds: number;
  windows: Record<string, { from: number; to: number }>;
  judgements: Judgement[];
  activities: ActivityRecord[];
  /** Load figures per phase. */
  figures: Record<string, LoadStats>;
  statusCounts: Record<string, number>;
  timeline: LoadSecond[];
  series: Series[];
  notes: Record<string, unknown>;
  configuration: Record<string, unknown>;
  /** What the safety net still had to undo after the rollbacks (should be empty). */
  safetyNet: { label: string; error?: string }[];
}

const SECRET_KEY = /token|secret|password|authorization|api[-_]?key/i;

/** A copy of `value` with every value under a secret-looking key replaced. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v)]),
  );
}
