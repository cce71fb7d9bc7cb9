import { readFileSync } from 'node:fs';
import { signal } from '../platform/safety-net';

/**
 * Stopping a Postgres backend at a safe point.
 *
 * The databases of the six services share one Postgres server here (one per service in a real
 * deployment). A backend stopped with SIGSTOP in the middle of a statement may hold one of the
 * server's lightweight locks (WAL insertion or write, the process array, a buffer), and then
 * every backend of every database that needs it waits until the stopped one runs again: the
 * freeze of payment's backends would freeze checkout's and inventory's too. Measured on this
 * machine: with one backend committing in a loop and stopped at random moments for 500 ms, 4 of
 * 40 stops left a second database without a single commit for the whole stop (12–15 backends
 * waiting on a lightweight lock), and a harness killed while one was stopped left the server
 * unable to answer a query at all.
 *
 * A backend waiting for its client's next message (in `epoll_wait` on its socket) holds none of
 * them; neither does one sleeping on a row lock. So each backend is stopped, its system call
 * read from `/proc/<pid>/syscall`, and it is let go and stopped again a moment later until it is
 * caught waiting. Stopped there, it still hangs the queries sent to it and keeps the row locks of
 * an open transaction: the fault the experiment means, limited to the database it names.
 */

/** How a backend ended up after {@link stopAtSafePoint}. */
export type BackendStop =
  /** Stopped while it waited (no lightweight lock held). */
  | { readonly pid: number; readonly outcome: 'stopped'; readonly tries: number }
  /** Never caught waiting in the tries allowed: left running. */
  | { readonly pid: number; readonly outcome: 'busy'; readonly tries: number }
  /** Gone before it could be stopped. */
  | { readonly pid: number; readonly outcome: 'gone'; readonly tries: number }
  /** Its system call could not be read (`reason`): stopped without the check. */
  | { readonly pid: number; readonly outcome: 'unchecked'; readonly reason: string };

/** The system calls a backend waits in when it holds no lightweight lock, per architecture. */
const WAIT_SYSCALLS: Readonly<Record<string, readonly number[]>> = {
  // epoll_wait, epoll_pwait, epoll_pwait2
  x64: [232, 281, 441],
  // epoll_pwait, epoll_pwait2 (arm64 has no plain epoll_wait)
  arm64: [22, 441],
};

/**
 * Whether a line of `/proc/<pid>/syscall` shows a process waiting in one of the event-wait calls
 * Postgres uses for its client socket and its latch. `-1 …` (stopped in user space) and
 * `running` are not waits; neither is any other call (a write, an fsync, a semaphore).
 */
export function waitsAtSafePoint(syscallLine: string, arch: string = process.arch): boolean {
  const first = syscallLine.trim().split(/\s+/, 1)[0] ?? '';
  if (!/^\d+$/.test(first)) return false;
  return (WAIT_SYSCALLS[arch] ?? []).includes(Number(first));
}

export interface StopOptions {
  /** Stops tried before the backend is left running (default 200). */
  readonly maxTries?: number;
  /** Longest pause (ms) between letting it go and stopping it again (default 5, at random). */
  readonly maxPauseMs?: number;
  /** Reads `/proc/<pid>/syscall` (replaceable in unit tests). */
  readonly readSyscall?: (pid: number) => string;
  /** Sends a signal; false when the process is gone (replaceable in unit tests). */
  readonly send?: (pid: number, sig: NodeJS.Signals) => boolean;
}

const readProcSyscall = (pid: number): string => readFileSync(`/proc/${pid}/syscall`, 'utf8');

/** SIGSTOPs a Postgres backend where it holds no lightweight lock (see the module's comment). */
export async function stopAtSafePoint(
  pid: number,
  options: StopOptions = {},
): Promise<BackendStop> {
  const maxTries = options.maxTries ?? 200;
  const maxPauseMs = options.maxPauseMs ?? 5;
  const read = options.readSyscall ?? readProcSyscall;
  const send = options.send ?? signal;
  for (let tries = 1; tries <= maxTries; tries++) {
    if (!send(pid, 'SIGSTOP')) return { pid, outcome: 'gone', tries };
    let line: string;
    try {
      line = read(pid);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        send(pid, 'SIGCONT');
        return { pid, outcome: 'gone', tries };
      }
      // No /proc or no right to read it: stopped as before, without the check, and said so.
      return { pid, outcome: 'unchecked', reason: (e as Error).message };
    }
    if (waitsAtSafePoint(line)) return { pid, outcome: 'stopped', tries };
    send(pid, 'SIGCONT');
    await new Promise((r) => setTimeout(r, Math.random() * maxPauseMs));
  }
  return { pid, outcome: 'busy', tries: maxTries };
}
