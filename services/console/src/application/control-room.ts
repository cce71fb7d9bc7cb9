import type {
  ControlSnapshot,
  Health,
  LoadStatus,
  ServiceTile,
  TimelinePoint,
} from '../domain/control-room.types';
import { parsePrometheusText } from '../domain/prometheus-text';
import { checkoutPoint, type Scrape, serviceTile } from '../domain/service-tile';
import type { PlatformEndpoint } from '../domain/platform-endpoint';

/** Options of {@link ControlRoom}. */
export interface ControlRoomOptions {
  services: readonly PlatformEndpoint[];
  pollIntervalMs: number;
  timelineSeconds: number;
  /** The load control's state, shown with every snapshot. */
  loadStatus: () => LoadStatus;
  /** Past points of the timeline (Prometheus), asked once when a page starts watching. */
  history?: (fromSeconds: number, toSeconds: number) => Promise<TimelinePoint[]>;
  /** Reads a URL; injectable for tests. Default: fetch with a timeout below the poll interval. */
  read?: (url: string) => Promise<{ status: number; text: string }>;
  now?: () => number;
}

type Listener = (snapshot: ControlSnapshot) => void;

/**
 * Polls every service's `/metrics` and `/health/ready` while at least one page watches, and
 * turns two consecutive scrapes into tiles and a point of the checkout timeline. With nobody
 * watching it stops polling, so an idle console costs the platform nothing.
 */
export class ControlRoom {
  private readonly listeners = new Set<Listener>();
  private readonly scrapes = new Map<string, Scrape>();
  private timeline: TimelinePoint[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<ControlSnapshot> | undefined;
  private latest: ControlSnapshot | undefined;
  private readonly now: () => number;
  private readonly read: (url: string) => Promise<{ status: number; text: string }>;

  constructor(private readonly options: ControlRoomOptions) {
    this.now = options.now ?? Date.now;
    const timeoutMs = Math.max(200, options.pollIntervalMs - 100);
    this.read =
      options.read ??
      (async (url) => {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        return { status: res.status, text: await res.text() };
      });
  }

  /** Starts sending snapshots to `listener` (polling starts with the first one); returns the unsubscribe. */
  watch(listener: Listener): () => void {
    this.listeners.add(listener);
    // A snapshot from before the last idle spell would show a stale picture: wait for a new one.
    if (this.latest && this.now() - this.latest.at < 2 * this.options.pollIntervalMs)
      listener(this.latest);
    if (!this.timer) {
      void this.backfill();
      void this.pollOnce();
      this.timer = setInterval(() => void this.pollOnce(), this.options.pollIntervalMs);
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** The current snapshot, polling now unless a poll is under way. */
  async snapshot(): Promise<ControlSnapshot> {
    return this.polling ?? this.pollOnce();
  }

  /** Stops polling (also at shutdown). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    // Rates after an idle spell must not average over it: the next watch starts fresh windows.
    this.scrapes.clear();
  }

  /** One poll of every service; never throws (a service that does not answer is `down`). */
  pollOnce(): Promise<ControlSnapshot> {
    if (this.polling) return this.polling;
    this.polling = (async () => {
      const tiles = await Promise.all(this.options.services.map((s) => this.tileOf(s)));
      const snapshot = this.record(tiles);
      for (const l of this.listeners) l(snapshot);
      return snapshot;
    })().finally(() => (this.polling = undefined));
    return this.polling;
  }

  /** Puts the history before the first live point (live points win where both exist). */
  private async backfill(): Promise<void> {
    if (!this.options.history) return;
    const to = this.now() / 1000;
    const past = await this.options.history(to - this.options.timelineSeconds, to);
    const firstLive = this.timeline[0]?.t ?? Infinity;
    this.timeline = [...past.filter((p) => p.t <= to && p.t < firstLive), ...this.timeline];
  }

  private async tileOf(service: PlatformEndpoint): Promise<ServiceTile> {
    const [metrics, ready] = await Promise.allSettled([
      this.read(`${service.url}/metrics`),
      this.read(`${service.url}/health/ready`),
    ]);
    const health: Health =
      ready.status === 'rejected' ? 'down' : ready.value.status === 200 ? 'up' : 'not-ready';
    const before = this.scrapes.get(service.name);
    let now: Scrape | undefined;
    if (metrics.status === 'fulfilled' && metrics.value.status === 200) {
      now = { at: this.now(), samples: parsePrometheusText(metrics.value.text) };
      this.scrapes.set(service.name, now);
    } else {
      // The next answer starts a new rate window.
      this.scrapes.delete(service.name);
    }
    if (service.name === 'checkout' && now) this.addPoint(now, before);
    return serviceTile(service, health, now, before);
  }

  private addPoint(now: Scrape, before: Scrape | undefined): void {
    if (!before) return;
    const point = checkoutPoint(now, before);
    this.timeline.push({ t: Math.round(now.at / 100) / 10, ...point });
  }

  private record(tiles: ServiceTile[]): ControlSnapshot {
    const oldest = this.now() / 1000 - this.options.timelineSeconds;
    this.timeline = this.timeline.filter((p) => p.t >= oldest);
    this.latest = {
      at: this.now(),
      tiles,
      timeline: [...this.timeline],
      load: this.options.loadStatus(),
    };
    return this.latest;
  }
}
