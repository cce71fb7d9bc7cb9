import { clockTicksPerSecond, parseProcStat } from '@rc/testing';
import { readdirSync, readFileSync } from 'node:fs';

/** What the platform's CPU is billed to: the six services, Postgres, the Kafka broker, Redis. */
export const PROCESS_GROUPS = [
  'checkout',
  'inventory',
  'payment',
  'analytics',
  'recommendations',
  'cart',
  'postgres',
  'kafka',
  'redis',
] as const;

/** One group of {@link PROCESS_GROUPS}. */
export type ProcessGroup = (typeof PROCESS_GROUPS)[number];

/** The six services (process groups the bench itself started). */
export const SERVICE_GROUPS = PROCESS_GROUPS.slice(0, 6) as readonly ProcessGroup[];

/** Resident memory (`VmRSS`) from `/proc/<pid>/status`, KiB; undefined for a kernel thread. */
export function parseVmRssKib(status: string): number | undefined {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) : undefined;
}

const SERVICE =
  /\/services\/(checkout|cart|payment|inventory|recommendations|analytics)\/dist\/(bundle\/)?main\.js(\s|$)/;

/**
 * The group a process belongs to, from its command line (NUL separators as spaces):
 * - a service: `node …/services/<name>/dist/bundle/main.js` (its bundle; `dist/main.js`, the
 *   unbundled build, counts too), and only when `ppid` is the bench (another
 *   platform on the machine — an `npm start`, a suite — is not this run's);
 * - Postgres: the postmaster (`…/bin/postgres -D …`) and every backend and background process,
 *   which retitle themselves `postgres: 15/main: …`;
 * - Kafka: the broker's JVM (`java … kafka.Kafka server.properties`), not Kafka's CLI tools;
 * - Redis: `redis-server …` and its fork children (`redis-rdb-bgsave`, `redis-aof-rewrite`).
 * Anything else (the bench, psql, redis-cli, builds) is undefined.
 */
export function classifyProcess(
  cmdline: string,
  ppid: number,
  benchPid: number,
): ProcessGroup | undefined {
  const service = SERVICE.exec(cmdline);
  if (service) return ppid === benchPid ? (service[1] as ProcessGroup) : undefined;
  const [exe = ''] = cmdline.trim().split(/\s+/, 1);
  const base = exe.slice(exe.lastIndexOf('/') + 1);
  if (base === 'postgres' || base === 'postgres:' || /^postgres: /.test(cmdline)) return 'postgres';
  if (base === 'java' && /\skafka\.Kafka(\s|$)/.test(cmdline)) return 'kafka';
  if (/^redis-(server|rdb-bgsave|aof-rewrite)$/.test(base)) return 'redis';
  return undefined;
}

/** One reading of every platform process: CPU ms per group, and the processes seen. */
export interface CpuReading {
  /** `performance.now()` of the reading. */
  atMs: number;
  /** utime+stime+cutime+cstime of every process of the group, ms. */
  groupsMs: Record<ProcessGroup, number>;
  /** utime+stime of the bench process itself (load generator, OTLP receiver), ms. */
  benchMs: number;
  /** Pids per group. */
  pids: Record<ProcessGroup, number[]>;
}

/**
 * Reads `/proc` once: every process of the platform (see {@link classifyProcess}), summed per
 * group. A group's children's times (cutime/cstime) are included so that a Postgres backend that
 * exits between two readings is still billed (its time moves to the postmaster's cutime when it
 * is reaped). Not for the bench itself: its cutime holds the services it restarted.
 */
export function readCpu(benchPid = process.pid): CpuReading {
  const msPerTick = 1000 / clockTicksPerSecond();
  const groupsMs = Object.fromEntries(PROCESS_GROUPS.map((g) => [g, 0])) as Record<
    ProcessGroup,
    number
  >;
  const pids = Object.fromEntries(PROCESS_GROUPS.map((g) => [g, [] as number[]])) as Record<
    ProcessGroup,
    number[]
  >;
  let benchMs = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (stat.pid === benchPid) {
        benchMs = (stat.utime + stat.stime) * msPerTick;
        continue;
      }
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const group = classifyProcess(cmdline, stat.ppid, benchPid);
      if (!group) continue;
      groupsMs[group] += (stat.utime + stat.stime + stat.cutime + stat.cstime) * msPerTick;
      pids[group].push(stat.pid);
    } catch {
      // the process exited between readdir and read
    }
  }
  return { atMs: performance.now(), groupsMs, benchMs, pids };
}

/**
 * Proportional set size of each process, MiB (0 for one that is gone): its resident pages with
 * each shared page divided among the processes that map it. Summed over the services it counts
 * the Node.js binary's pages (~58 MiB resident in each) once, where a sum of VmRSS counts them
 * once per process.
 */
export function readPssMiB(pids: readonly number[]): number[] {
  return pids.map((pid) => {
    try {
      return (parsePssKib(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')) ?? 0) / 1024;
    } catch {
      return 0;
    }
  });
}

/** `Pss:` of a `/proc/<pid>/smaps_rollup` file in KiB, or undefined when it has none. */
export function parsePssKib(smapsRollup: string): number | undefined {
  const match = /^Pss:\s+(\d+) kB$/m.exec(smapsRollup);
  return match ? Number(match[1]) : undefined;
}

/** Resident memory of each process, MiB (0 for one that is gone). */
export function readRssMiB(pids: readonly number[]): number[] {
  return pids.map((pid) => {
    try {
      return (parseVmRssKib(readFileSync(`/proc/${pid}/status`, 'utf8')) ?? 0) / 1024;
    } catch {
      return 0;
    }
  });
}
