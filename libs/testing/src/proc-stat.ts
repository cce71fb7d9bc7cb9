import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The fields of `/proc/<pid>/stat` the benchmarks read (times in clock ticks). */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** CPU time in user and kernel mode of the process itself. */
  utime: number;
  stime: number;
  /** CPU time of its children it has waited for (an exited Postgres backend ends up here). */
  cutime: number;
  cstime: number;
}

/**
 * Parses `/proc/<pid>/stat`. The command name (field 2) is in parentheses and may itself hold
 * spaces and parentheses, so the fields are counted from the last `)`.
 * @throws Error when the text is not a stat line.
 */
export function parseProcStat(text: string): ProcStat {
  const close = text.lastIndexOf(')');
  const pid = Number.parseInt(text, 10);
  // After ") ": state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17)
  const f = close > 0 ? text.slice(close + 2).split(' ') : [];
  const field = (n: number) => Number(f[n - 3]);
  const stat = {
    pid,
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
  };
  if (!Number.isInteger(pid) || Object.values(stat).some((v) => !Number.isFinite(v)))
    throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  return stat;
}

let ticksPerSecond: number | undefined;

/** `getconf CLK_TCK` (100 on every common Linux). */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100;
    }
    if (!(ticksPerSecond > 0)) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/**
 * CPU clock ticks (user + system) of every backend of the observer's database but the
 * observer's own, read from `/proc` (so on the machine Postgres runs on): what the benchmarks
 * divide by their work to get Postgres's CPU per unit of it.
 */
export async function databaseBackendTicks(observer: {
  query<R>(sql: string): Promise<{ rows: R[] }>;
}): Promise<number> {
  const { rows } = await observer.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      const stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      ticks += stat.utime + stat.stime;
    } catch {
      // a backend that ended between the two reads: its ticks are gone with it
    }
  }
  return ticks;
}
