import { execFileSync } from 'node:child_process';

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
