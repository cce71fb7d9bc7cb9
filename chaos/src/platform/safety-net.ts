import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One undo step: async for the normal path, plus an optional synchronous last resort. */
interface Undo {
  label: string;
  run: () => Promise<void> | void;
  /** Runs from `process.on('exit')`, where nothing async can (signals only). */
  sync?: () => void;
  /** Process ids this step would SIGCONT/SIGKILL; kept on disk for a run killed with -9. */
  pids?: { thaw?: number[]; kill?: number[] };
}

/**
 * The rollbacks that always run. Every fault the harness applies registers its undo here as it
 * is applied (SIGCONT a frozen process, remove a toxic, clear fault rules, stop a replica or a
 * CPU burner); {@link SafetyNet.undoAll} runs them newest first after the experiment's own
 * rollbacks, on Ctrl-C (SIGINT/SIGTERM) and on a crash. Process ids still to thaw or kill are
 * written to a file, so the next run undoes what a run killed with SIGKILL left behind.
 */
export class SafetyNet {
  private readonly undos = new Map<string, Undo>();
  /** Processes the run started (services, replicas): killed by the next run if this one is killed. */
  private owned: number[] = [];

  constructor(private readonly stateFile: string) {}

  /** Registers (or replaces) the undo of a fault under `key`. */
  add(key: string, undo: Undo): void {
    this.undos.set(key, undo);
    this.persist();
  }

  /** Forgets an undo (the fault was undone by the experiment itself). */
  remove(key: string): void {
    this.undos.delete(key);
    this.persist();
  }

  /**
   * Records the processes this run started (the platform's services), so that a run killed with
   * -9 does not leave them listening: the next run kills them. `[]` once they are stopped.
   */
  setOwnedProcesses(pids: number[]): void {
    this.owned = pids;
    this.persist();
  }

  /** Keys of the undos still pending. */
  keys(): string[] {
    return [...this.undos.keys()];
  }

  /** Labels of the undos still pending. */
  pending(): string[] {
    return [...this.undos.values()].map((u) => u.label);
  }

  /** Runs every pending undo, newest first; returns what ran and what failed. */
  async undoAll(): Promise<{ label: string; error?: string }[]> {
    const done: { label: string; error?: string }[] = [];
    for (const [key, undo] of [...this.undos].reverse()) {
      try {
        await undo.run();
        done.push({ label: undo.label });
      } catch (e) {
        done.push({ label: undo.label, error: (e as Error).message });
      }
      this.undos.delete(key);
    }
    this.persist();
    return done;
  }

  /** The synchronous last resort (process exit): signals only. */
  undoAllSync(): void {
    for (const undo of [...this.undos.values()].reverse()) {
      try {
        undo.sync?.();
      } catch {
        // the process is gone already
      }
    }
  }

  /** Thaws and kills what a previous run left in the state file (it was killed with -9). */
  recoverLeftovers(): string[] {
    if (!existsSync(this.stateFile)) return [];
    const notes: string[] = [];
    try {
      const left = JSON.parse(readFileSync(this.stateFile, 'utf8')) as {
        thaw?: ProcessId[];
        kill?: ProcessId[];
      };
      // Only the very processes recorded (same start time): a pid reused since is left alone.
      for (const p of left.thaw ?? [])
        if (sameProcess(p) && signal(p.pid, 'SIGCONT')) notes.push(`thawed pid ${p.pid}`);
      for (const p of left.kill ?? [])
        if (sameProcess(p) && signal(p.pid, 'SIGKILL')) notes.push(`killed pid ${p.pid}`);
    } catch {
      // unreadable: nothing to recover
    }
    rmSync(this.stateFile, { force: true });
    return notes;
  }

  private persist(): void {
    const thaw = [...this.undos.values()].flatMap((u) => u.pids?.thaw ?? []);
    const kill = [...this.undos.values()].flatMap((u) => u.pids?.kill ?? []).concat(this.owned);
    if (thaw.length === 0 && kill.length === 0) {
      rmSync(this.stateFile, { force: true });
      return;
    }
    mkdirSync(dirname(this.stateFile), { recursive: true });
    const id = (pid: number): ProcessId => ({ pid, start: processStart(pid) });
    writeFileSync(this.stateFile, JSON.stringify({ thaw: thaw.map(id), kill: kill.map(id) }));
  }
}

/** Sends a signal; false when the process does not exist. */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** A process id with its start time (clock ticks since boot), so a reused pid is told apart. */
interface ProcessId {
  pid: number;
  start: string | undefined;
}

/** Field 22 of /proc/<pid>/stat: when the process started. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function sameProcess(p: ProcessId): boolean {
  return p.start !== undefined && processStart(p.pid) === p.start;
}
