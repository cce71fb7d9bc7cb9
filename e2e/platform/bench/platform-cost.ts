import { PROCESS_GROUPS, type CpuReading, type ProcessGroup } from './proc-stat';

/** CPU ms per process group. */
export type ByProcess = Record<ProcessGroup, number>;

/** CPU the platform spent between two readings. */
export interface CpuDelta {
  wallMs: number;
  byProcessMs: ByProcess;
  totalMs: number;
  /** The bench process (load generator and OTLP receiver): not part of the platform. */
  benchMs: number;
}

/** What the platform's CPU cost per checkout over one window. */
export interface CheckoutCost {
  /** All the platform's CPU ÷ checkouts completed (201), ms. */
  cpuMsPerCheckout: number;
  cpuMsPerCheckoutByProcess: ByProcess;
  /** The bench's own CPU (load generator, OTLP receiver) ÷ checkouts, ms: not in the total. */
  benchCpuMsPerCheckout: number;
  checkouts: number;
  /** Length of the window (load, then the drain), s. */
  windowSeconds: number;
}

/** The platform at rest: CPU as % of one core. */
export interface IdleCost {
  idleCpuPercent: number;
  idleCpuPercentByProcess: ByProcess;
  seconds: number;
}

const round = (n: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/**
 * The CPU each group spent between `before` and `after`. A group never goes backwards (a
 * process that exited unreaped between the readings could only make it); negative deltas are 0.
 */
export function cpuDelta(before: CpuReading, after: CpuReading): CpuDelta {
  const byProcessMs = {} as ByProcess;
  let totalMs = 0;
  for (const g of PROCESS_GROUPS) {
    const ms = Math.max(0, after.groupsMs[g] - before.groupsMs[g]);
    byProcessMs[g] = ms;
    totalMs += ms;
  }
  return {
    wallMs: after.atMs - before.atMs,
    byProcessMs,
    totalMs,
    benchMs: Math.max(0, after.benchMs - before.benchMs),
  };
}

/**
 * CPU ms per completed checkout, in total and per group (2 decimals).
 * @throws RangeError when no checkout completed (nothing to divide by).
 */
export function costPerCheckout(delta: CpuDelta, checkouts: number): CheckoutCost {
  if (!(checkouts > 0)) throw new RangeError('no checkout completed in the cost window');
  const per = (ms: number) => round(ms / checkouts, 2);
  const cpuMsPerCheckoutByProcess = {} as ByProcess;
  for (const g of PROCESS_GROUPS) cpuMsPerCheckoutByProcess[g] = per(delta.byProcessMs[g]);
  return {
    cpuMsPerCheckout: per(delta.totalMs),
    cpuMsPerCheckoutByProcess,
    benchCpuMsPerCheckout: per(delta.benchMs),
    checkouts,
    windowSeconds: round(delta.wallMs / 1000, 1),
  };
}

/** The platform's CPU over a window at rest, as % of one core (2 decimals). */
export function idleCost(delta: CpuDelta): IdleCost {
  const pct = (ms: number) => (delta.wallMs > 0 ? round((ms / delta.wallMs) * 100, 2) : 0);
  const idleCpuPercentByProcess = {} as ByProcess;
  for (const g of PROCESS_GROUPS) idleCpuPercentByProcess[g] = pct(delta.byProcessMs[g]);
  return {
    idleCpuPercent: pct(delta.totalMs),
    idleCpuPercentByProcess,
    seconds: round(delta.wallMs / 1000, 1),
  };
}
