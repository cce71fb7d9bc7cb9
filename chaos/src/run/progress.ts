import { windowStats } from '../load/load-stats';
import type { OpenLoopLoad } from '../load/open-loop-load';
import type { Journal } from './journal';

/**
 * Progress on the terminal (stderr) while an experiment runs: the phase, the seconds left in it
 * and the live load (offered, goodput, p99 over the last 3 s). On a TTY one status line is
 * redrawn; otherwise a status line is printed every 5 s. Event lines (judgements, actions) are
 * printed as they happen.
 */
export class Progress {
  private load: OpenLoopLoad | undefined;
  private sloMs = 1_000;
  private id = '';
  private lastPrinted = 0;
  private readonly tty: boolean;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  /** Which load the live figures come from. */
  attach(load: OpenLoopLoad, sloMs: number): void {
    this.load = load;
    this.sloMs = sloMs;
  }

  begin(id: string, title: string): void {
    this.id = id;
    this.line(`=== ${id}: ${title}`);
  }

  /** Redraws (or, off a TTY, periodically prints) the status line. */
  status(phase: string, secondsLeft: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!this.tty && now - this.lastPrinted < 5_000) return;
    this.lastPrinted = now;
    let live = '';
    if (this.load) {
      const t = this.load.now();
      const s = windowStats(this.load.outcomes, t - 4_000, t - 1_000, this.sloMs, t);
      live = ` · offered ${s.offered_rps.toFixed(1)}/s goodput ${s.goodput_rps.toFixed(1)}/s p99 ${Number.isNaN(s.p99_ms) ? '-' : Math.round(s.p99_ms)} ms`;
    }
    const text = `[chaos] ${this.id} · ${phase}${secondsLeft > 0 ? ` · ${Math.ceil(secondsLeft)} s left` : ''}${live}`;
    if (this.tty) this.out.write(`\r\x1b[2K${text}`);
    else this.out.write(`${text}\n`);
  }

  /** Prints an event line. */
  line(text: string): void {
    if (!this.enabled) return;
    this.out.write(
      `${this.tty ? '\r\x1b[2K' : ''}[chaos] ${this.id ? `${this.id} · ` : ''}${text}\n`,
    );
  }

  end(journal: Journal): void {
    const f = journal.figures.fault ?? journal.figures.run;
    this.line(
      `${journal.status.toUpperCase()} in ${journal.durationSeconds} s` +
        (f
          ? ` · during the fault: success ${(f.success_ratio * 100).toFixed(1)} %, p99 ${Math.round(f.p99_ms)} ms`
          : ''),
    );
  }
}
