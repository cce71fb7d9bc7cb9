/** A readiness check of one of the service's OWN dependencies (its database, cache, broker). */
export type HealthCheck = () => Promise<void>;

/** The outcome of one check. */
export interface CheckResult {
  status: 'up' | 'down';
  durationMs: number;
  /**
   * Why it is down, without the dependency's own message (which can name hosts, users or
   * databases): the error's code (`ECONNREFUSED`, `57P03`, …), `timeout`, or `failed`.
   */
  error?: string;
  /** The failure's own message, for the service's log only — never sent to the prober. */
  detail?: string;
}

/** The readiness answer. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

/**
 * Readiness checks registered by the service. Only the service's own dependencies belong here,
 * never downstream services: a slow neighbour must not get a healthy instance restarted or
 * taken out of rotation. While shutting down, the service reports not ready so load balancers
 * drain it.
 */
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private shuttingDown = false;
  private last?: { at: number; checks: Promise<Record<string, CheckResult>> };

  /**
   * @param timeoutMs longest a check may take before it counts as down
   * @param cacheMs how long one round of checks answers every probe: probes from several
   *   orchestrators, load balancers and scrapers then cost one query per `cacheMs`, and
   *   concurrent probes share the round in flight
   * @param onDown told of each check that failed in a round, with its own message (for the log)
   */
  constructor(
    private readonly timeoutMs = 2000,
    private readonly cacheMs = 1000,
    private readonly onDown?: (name: string, result: CheckResult) => void,
  ) {}

  /** Adds (or replaces) the check called `name`. */
  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
    this.last = undefined; // the next probe runs the new set of checks
  }

  /** From now on, readiness answers 503. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  /** Whether shutdown has begun. */
  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /**
   * Every check, run concurrently and each bounded by the timeout — or the round of the last
   * `cacheMs` (shared with a round still running). Shutting down answers not ready at once.
   */
  async readiness(): Promise<Readiness> {
    const now = performance.now();
    if (!this.last || now - this.last.at >= this.cacheMs) {
      this.last = { at: now, checks: this.runAll() };
    }
    const checks = await this.last.checks;
    const ready = !this.shuttingDown && Object.values(checks).every((r) => r.status === 'up');
    return { ready, checks };
  }

  private async runAll(): Promise<Record<string, CheckResult>> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await this.run(check)] as const),
    );
    for (const [name, result] of entries) if (result.status === 'down') this.onDown?.(name, result);
    return Object.fromEntries(entries);
  }

  private async run(check: HealthCheck): Promise<CheckResult> {
    const started = performance.now();
    const timedOut = new Error(`timed out after ${this.timeoutMs} ms`);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(timedOut), this.timeoutMs);
        }),
      ]);
      return { status: 'up', durationMs: Math.round(performance.now() - started) };
    } catch (e) {
      const durationMs = Math.round(performance.now() - started);
      const detail = e instanceof Error ? e.message : String(e);
      return { status: 'down', durationMs, error: reasonOf(e, timedOut), detail };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A failure's safe short reason: its code when it has a short one, else timeout or failed. */
function reasonOf(e: unknown, timedOut: Error): string {
  if (e === timedOut) return 'timeout';
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,32}$/.test(code) ? code : 'failed';
}
