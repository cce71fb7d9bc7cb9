import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { clockTicksPerSecond, parseProcStat } from '@rc/testing';

/**
 * CPU throttling of one process with the kernel's CFS bandwidth control — a real limit, as a
 * container's CPU limit is: the process may run `percent` % of one core per 100 ms period, then
 * waits for the next period. cgroup v2 (`cpu.max` in a child of the unified hierarchy) where the
 * machine delegates the cpu controller; otherwise cgroup v1 (`cpu.cfs_quota_us`). Needs write
 * access to the hierarchy (root on the development machine kind).
 */
export interface CpuThrottle {
  readonly pid: number;
  readonly percent: number;
  readonly hierarchy: 'v1' | 'v2';
  /** The cgroup directory the process was moved into. */
  readonly group: string;
  /** Periods and throttled periods so far (`cpu.stat`): proof the limit bit. */
  stats(): { periods: number; throttledPeriods: number; throttledMs: number };
  /** Moves the process back where it was and removes the group (idempotent, synchronous). */
  release(): void;
}

const PERIOD_US = 100_000;
const V1_CPU = '/sys/fs/cgroup/cpu';
const V2_ROOT = '/sys/fs/cgroup';
/** Groups this harness makes are named so, so a run can remove what a crashed run left. */
const PREFIX = 'rc-chaos-';

interface Hierarchy {
  kind: 'v1' | 'v2';
  /** Directory new groups are made in. */
  parent: string;
  limit(group: string, quotaUs: number): void;
  /** The directory of the group `pid` is in now (to move it back there). */
  groupOf(pid: number): string;
}

function v2(): Hierarchy | undefined {
  const controllers = join(V2_ROOT, 'cgroup.controllers');
  if (!existsSync(controllers) || !readFileSync(controllers, 'utf8').split(/\s+/).includes('cpu'))
    return undefined;
  try {
    writeFileSync(join(V2_ROOT, 'cgroup.subtree_control'), '+cpu');
  } catch {
    return undefined;
  }
  return {
    kind: 'v2',
    parent: V2_ROOT,
    limit: (group, quotaUs) => writeFileSync(join(group, 'cpu.max'), `${quotaUs} ${PERIOD_US}`),
    groupOf: (pid) => join(V2_ROOT, lineOf(pid, (c) => c.startsWith('0::'))?.slice(3) ?? '/'),
  };
}

function v1(): Hierarchy | undefined {
  if (!existsSync(join(V1_CPU, 'cpu.cfs_quota_us'))) return undefined;
  return {
    kind: 'v1',
    parent: V1_CPU,
    limit: (group, quotaUs) => {
      writeFileSync(join(group, 'cpu.cfs_period_us'), String(PERIOD_US));
      writeFileSync(join(group, 'cpu.cfs_quota_us'), String(quotaUs));
    },
    groupOf: (pid) => {
      const line = lineOf(pid, (c) => /^\d+:[^:]*\bcpu\b[^:]*:/.test(c));
      return join(V1_CPU, line?.slice(line.lastIndexOf(':') + 1) ?? '/');
    },
  };
}

function lineOf(pid: number, match: (line: string) => boolean): string | undefined {
  return readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find(match);
}

/** Removes empty groups an earlier run of this harness left behind (e.g. killed mid-fault). */
function removeLeftovers(parent: string): void {
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(PREFIX)) continue;
    try {
      rmdirSync(join(parent, name));
    } catch {
      // still holds a process (another run's): leave it
    }
  }
}

/**
 * Puts `pid` (all its threads) under a CPU limit of `percent` % of one core. Throws, saying why,
 * where the machine offers no writable cpu controller (then the CPU-burn fault stands in).
 */
export function throttleCpu(pid: number, percent: number, name: string): CpuThrottle {
  const hierarchy = v2() ?? v1();
  if (!hierarchy)
    throw new Error(
      'CPU throttling needs a writable cgroup cpu controller (v2 cpu.max or v1 cpu.cfs_quota_us); this machine offers neither — burn_cpu stands in',
    );
  removeLeftovers(hierarchy.parent);
  const home = hierarchy.groupOf(pid);
  const group = join(hierarchy.parent, `${PREFIX}${name}-${pid}`);
  mkdirSync(group, { recursive: true });
  const quotaUs = Math.max(1_000, Math.round((PERIOD_US * percent) / 100));
  try {
    hierarchy.limit(group, quotaUs);
    writeFileSync(join(group, 'cgroup.procs'), String(pid));
  } catch (error) {
    rmdirSync(group);
    throw new Error(`could not throttle pid ${pid} in ${group}: ${(error as Error).message}`);
  }
  let released = false;
  return {
    pid,
    percent,
    hierarchy: hierarchy.kind,
    group,
    stats: () => cpuStats(group),
    release: () => {
      if (released) return;
      released = true;
      try {
        writeFileSync(join(home, 'cgroup.procs'), String(pid));
      } catch {
        // the process has exited: nothing to move back
      }
      try {
        rmdirSync(group);
      } catch {
        // removed by the next run's leftover sweep once empty
      }
    },
  };
}

/** `cpu.stat` of a group: periods, throttled periods and throttled time (v1 ns, v2 µs). */
export function cpuStats(group: string): {
  periods: number;
  throttledPeriods: number;
  throttledMs: number;
} {
  if (!existsSync(join(group, 'cpu.stat')))
    return { periods: 0, throttledPeriods: 0, throttledMs: 0 };
  const stat = Object.fromEntries(
    readFileSync(join(group, 'cpu.stat'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' ') as [string, string])
      .map(([k, v]) => [k, Number(v)]),
  );
  const throttledMs =
    stat.throttled_usec !== undefined
      ? stat.throttled_usec / 1_000
      : (stat.throttled_time ?? 0) / 1e6;
  return {
    periods: stat.nr_periods ?? 0,
    throttledPeriods: stat.nr_throttled ?? 0,
    throttledMs: Math.round(throttledMs),
  };
}

/** The throttles of this process's runs, by service; the last stats stay after a release. */
const active = new Map<string, CpuThrottle>();
const lastStats = new Map<string, ReturnType<CpuThrottle['stats']>>();

/** Registers a throttle of `service` (replacing and releasing an earlier one). */
export function keepThrottle(service: string, throttle: CpuThrottle): void {
  active.get(service)?.release();
  active.set(service, throttle);
}

/** Releases the throttles of the services named (all when none), keeping their last stats. */
export function releaseThrottles(services?: string[]): string[] {
  const names = services ?? [...active.keys()];
  for (const name of names) {
    const throttle = active.get(name);
    if (!throttle) continue;
    lastStats.set(name, throttle.stats());
    throttle.release();
    active.delete(name);
  }
  return names;
}

/** Stats of `service`'s throttle: the live one, else the last released one, else zeros. */
export function throttleStats(service: string): ReturnType<CpuThrottle['stats']> {
  return (
    active.get(service)?.stats() ??
    lastStats.get(service) ?? { periods: 0, throttledPeriods: 0, throttledMs: 0 }
  );
}

/** CPU time `pid` has used so far (user + system, all its threads), in seconds. */
function cpuSeconds(pid: number): number {
  const stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return (stat.utime + stat.stime) / clockTicksPerSecond();
}

/**
 * The share of one core `pid` uses over the next `ms` (user + system time of all its threads,
 * from `/proc/<pid>/stat`, as the CFS quota counts it), in %.
 */
export async function measureCpuPercent(pid: number, ms: number): Promise<number> {
  const before = cpuSeconds(pid);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ((cpuSeconds(pid) - before) / (ms / 1000)) * 100;
}

/**
 * A limit sized from a measured need: `headroom` × `measuredPercent`, never below `floorPercent`
 * nor above one core. A limit just above the average need is the one bursts hit; a fixed
 * percentage is one machine's need (twice that on a machine half as fast).
 */
export function limitForNeed(
  floorPercent: number,
  headroom: number,
  measuredPercent: number,
): number {
  return Math.min(100, Math.max(floorPercent, Math.round(headroom * measuredPercent * 10) / 10));
}
