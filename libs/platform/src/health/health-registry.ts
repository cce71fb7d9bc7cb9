/** A readiness check of one of the service's OWN dependencies (its database, cache, broker). */
export type HealthCheck = () => Promise<void>;

/** The outcome of one check. */
export interface CheckResult {
  status: 'up' | 'down';
  durationMs: number;
  error?: string;
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

  constructor(private readonly timeoutMs = 2000) {}

  /** Adds (or replaces) the check called `name`. */
  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  /** From now on, readiness answers 503. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  /** Whether shutdown has begun. */
  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Runs every check concurrently, each bounded by the timeout. */
  async readiness(): Promise<{ ready: boolean; checks: Record<string, CheckResult> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await this.run(check)] as const),
    );
    const checks = Object.fromEntries(entries);
    const ready = !this.shuttingDown && entries.every(([, r]) => r.status === 'up');
    return { ready, checks };
  }

  private async run(check: HealthCheck): Promise<CheckResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`timed out after ${this.timeoutMs} ms`)),
            this.timeoutMs,
          );
        }),
      ]);
      return { status: 'up', durationMs: Math.round(performance.now() - started) };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      return { status: 'down', durationMs: Math.round(performance.now() - started), error };
    } finally {
      clearTimeout(timer);
    }
  }
}
