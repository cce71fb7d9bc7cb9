import { SERVICES } from '../activities/catalogue';
import { aggregate, select } from '../activities/prometheus';
import { scrapeService } from '../activities/run-context';
import type { OpenLoopLoad } from '../load/open-loop-load';
import type { ChaosPlatform } from '../platform/chaos-platform';
import type { Series } from './journal';

/**
 * Samples what the report draws beside the load: checkout's breaker state per dependency
 * (0 closed, 1 half-open, 2 open) every second, requests shed per second by each service every
 * two, and the consumer lag per group every three. A sample that does not answer (a frozen
 * process) is skipped, never waited for.
 */
export class Sampler {
  private readonly data = new Map<string, [number, number][]>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly busy = new Set<string>();
  private lastShed = new Map<string, { at: number; total: number }>();

  constructor(
    private readonly platform: ChaosPlatform,
    private readonly load: OpenLoopLoad,
  ) {}

  start(): void {
    this.every('breakers', 1_000, () => this.breakers());
    this.every('shed', 2_000, () => this.shed());
    this.every('lag', 3_000, () => this.lag());
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    while (this.busy.size > 0) await new Promise((r) => setTimeout(r, 50));
  }

  series(): Series[] {
    return [...this.data].map(([name, points]) => ({ name, points }));
  }

  private every(key: string, ms: number, fn: () => Promise<void>): void {
    this.timers.push(
      setInterval(() => {
        if (this.busy.has(key)) return;
        this.busy.add(key);
        void fn()
          .catch(() => undefined)
          .finally(() => this.busy.delete(key));
      }, ms),
    );
  }

  private push(name: string, value: number): void {
    if (!Number.isFinite(value)) return;
    const list = this.data.get(name) ?? [];
    list.push([Math.round(this.load.now()) / 1000, value]);
    this.data.set(name, list);
  }

  private async breakers(): Promise<void> {
    const [primary] = await scrapeService(this.platform, 'checkout');
    for (const s of select(primary ?? [], 'resilience_circuit_breaker_state', {}))
      this.push(`breaker ${s.labels.dependency}`, s.value);
  }

  private async shed(): Promise<void> {
    await Promise.all(
      SERVICES.map(async (service) => {
        const scrapes = await scrapeService(this.platform, service);
        if (scrapes.length === 0) return;
        const total = aggregate(
          scrapes.flatMap((s) =>
            select(s, 'resilience_load_shedding_shed_total', {}).map((x) => x.value),
          ),
          'sum',
        );
        const at = this.load.now();
        const last = this.lastShed.get(service);
        this.lastShed.set(service, { at, total });
        if (last && at > last.at)
          this.push(
            `shed/s ${service}`,
            Math.max(0, ((total - last.total) * 1000) / (at - last.at)),
          );
      }),
    );
  }

  private async lag(): Promise<void> {
    const lag = await this.platform.lag.read(undefined, 2_000);
    for (const [group, n] of Object.entries(lag)) this.push(`lag ${group}`, n);
  }
}
