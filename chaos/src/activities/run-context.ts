import type { OpenLoopLoad } from '../load/open-loop-load';
import type { ReadLoad } from '../load/read-load';
import type { ChaosPlatform } from '../platform/chaos-platform';
import type { SafetyNet } from '../platform/safety-net';
import type { ToxiproxyClient } from '../proxy';
import type { ServiceName } from './catalogue';
import { parseMetrics, type Sample } from './prometheus';

/** The phases of a run; each starts at a time on the load's clock. */
export type Phase = 'run' | 'before' | 'fault' | 'after';

/**
 * Everything a harness function acts on during one experiment run: the platform, the load, the
 * fault proxy, the safety net that undoes every fault, the phase clock with the metric snapshots
 * taken as each phase began, and notes (details the journal keeps, e.g. which orders broke an
 * invariant).
 */
export interface RunContext {
  platform: ChaosPlatform;
  load: OpenLoopLoad;
  /** The background read load on the lower tiers, while `start_read_load` runs one. */
  readLoad?: ReadLoad;
  /** The catalogue's SKUs (what the loads order and read). */
  skus: readonly string[];
  safety: SafetyNet;
  toxiproxy: ToxiproxyClient;
  /** Every order of this run has a customer id starting with this. */
  customerPrefix: string;
  /** The run's signed-in customers (ids under `customerPrefix`), with their `Authorization`. */
  customers: readonly { readonly customerId: string; readonly authorization: string }[];
  /** Wall-clock start of the run (payments are matched by creation time). */
  startedAt: Date;
  /** The configured arrival rate. */
  baseRateRps: number;
  sloMs: number;
  phases: PhaseClock;
  notes: Record<string, unknown>;
  log: (message: string) => void;
}

/** When each phase began (ms on the load's clock) and the metrics scraped at that moment. */
export class PhaseClock {
  readonly starts: Partial<Record<Phase, number>> = {};
  readonly ends: Partial<Record<Phase, number>> = {};
  private readonly snapshots = new Map<Phase, Map<ServiceName, Sample[][]>>();

  constructor(
    private readonly now: () => number,
    private readonly scrapeAll: () => Promise<Map<ServiceName, Sample[][]>>,
  ) {}

  /** Marks the start of `phase` (and the end of the one before) and snapshots the metrics. */
  async begin(phase: Phase): Promise<void> {
    const at = this.now();
    for (const p of Object.keys(this.starts) as Phase[])
      if (p !== 'run' && this.ends[p] === undefined) this.ends[p] = at;
    this.starts[phase] = at;
    this.snapshots.set(phase, await this.scrapeAll().catch(() => new Map()));
  }

  /** Ends a phase without starting another. */
  end(phase: Phase): void {
    this.ends[phase] ??= this.now();
  }

  /** [from, to) of a phase on the load's clock; `to` is now for a phase still running. */
  window(phase: Phase): { from: number; to: number } {
    const from = this.starts[phase] ?? 0;
    return { from, to: this.ends[phase] ?? this.now() };
  }

  /** The scrape of `service` taken when `phase` began (one sample list per instance). */
  snapshot(phase: Phase, service: ServiceName): Sample[][] {
    return this.snapshots.get(phase)?.get(service) ?? [];
  }
}

/** Scrapes `/metrics` of every instance of every service. */
export async function scrapeAll(
  platform: ChaosPlatform,
  services: readonly ServiceName[],
): Promise<Map<ServiceName, Sample[][]>> {
  const out = new Map<ServiceName, Sample[][]>();
  await Promise.all(services.map(async (s) => out.set(s, await scrapeService(platform, s))));
  return out;
}

/** Scrapes every instance of one service (an instance that does not answer is left out). */
export async function scrapeService(
  platform: ChaosPlatform,
  service: ServiceName,
  timeoutMs = 2_000,
): Promise<Sample[][]> {
  const scrapes = await Promise.all(
    platform.instances(service).map(async (url) => {
      try {
        const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
        return res.ok ? parseMetrics(await res.text()) : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return scrapes.filter((s): s is Sample[] => s !== undefined);
}
