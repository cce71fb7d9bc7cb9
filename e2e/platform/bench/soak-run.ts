import type { PlatformUnderTest } from '@rc/testing';
import { benchCustomers, checkoutTraffic } from './checkout-traffic';
import { keepAliveAgent } from './load-runner';
import { runOpenLoop } from './open-loop';
import { SoakSampler, type PlatformReading } from './soak-sampler';
import type { StepResult } from './step-result';

/** What one soak run does. */
export interface SoakRunOptions {
  platform: PlatformUnderTest;
  /** SKUs to order (each with enough stock for the whole run). */
  skus: readonly string[];
  /** Postgres server of the services' databases. */
  databaseUrl: string;
  rateRps: number;
  /** Load at the same rate before the baseline sample. */
  warmupSeconds: number;
  /** Load after the baseline sample. */
  seconds: number;
  /** One sample, and one latency window, every this many seconds. */
  sampleSeconds: number;
  /** Progress lines (one per sample). */
  progress: (msg: string) => void;
}

/** The load of one window between two samples. */
export interface SoakWindow {
  sent: number;
  ok: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Count per outcome (`"201"`, `"503 RESILIENCE.LOAD_SHED"`, `timeout`, …). */
  statuses: Record<string, number>;
}

/** One sample of the platform, with the load window that ended at it. */
export interface SoakSample extends PlatformReading {
  /** Seconds since the load started (0: the platform at rest, before any load). */
  atSeconds: number;
  /** `start` before any load, `warmup` during the warm-up, `soak` from the baseline on. */
  phase: 'start' | 'warmup' | 'soak';
  /** The load window that ended at this sample; null for the `start` sample. */
  window: SoakWindow | null;
}

/** The raw record of one soak run. */
export interface SoakRecord {
  startedAt: string;
  rateRps: number;
  warmupSeconds: number;
  soakSeconds: number;
  sampleSeconds: number;
  samples: SoakSample[];
}

const sleepUntil = (at: number) =>
  new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));

/**
 * Open-loop checkouts at a fixed rate for the warm-up and the soak, sampling the platform at
 * every window boundary. The load never pauses: each window's requests are scheduled from its
 * start whether or not the previous window's have all been answered (runOpenLoop resolves only
 * once every request settled), so the arrival rate stays constant across the boundaries.
 */
export async function runSoak(options: SoakRunOptions): Promise<SoakRecord> {
  const { platform, rateRps, sampleSeconds: w, progress } = options;
  const warmupWindows = Math.ceil(options.warmupSeconds / w);
  const windows = warmupWindows + Math.max(1, Math.round(options.seconds / w));
  const sampler = new SoakSampler(platform, options.databaseUrl);
  const dispatcher = keepAliveAgent();
  const next = checkoutTraffic(
    options.skus,
    await benchCustomers(platform, `soak-${Date.now().toString(36)}`),
  );
  const startedAt = new Date().toISOString();
  const samples: SoakSample[] = [];
  const results: (StepResult | undefined)[] = [];
  try {
    samples.push({ atSeconds: 0, phase: 'start', window: null, ...(await sampler.read()) });
    const t0 = performance.now();
    const steps: Promise<StepResult>[] = [];
    for (let k = 0; k <= windows; k++) {
      await sleepUntil(t0 + k * w * 1000);
      if (k > 0) {
        const sample = { atSeconds: k * w, phase: phaseOf(k, warmupWindows), window: null };
        samples.push({ ...sample, ...(await sampler.read()) });
        progress(progressLine(samples.at(-1)!, results, k, warmupWindows));
      }
      if (k === windows) break;
      const step = runOpenLoop({
        origin: platform.url('checkout'),
        dispatcher,
        rateRps,
        seconds: w,
        next: () => next(),
        okStatus: 201,
        timeoutMs: 10_000,
        sloMs: 1_000,
      });
      steps.push(step.then((r) => (results[k] = r)));
    }
    const settled = await Promise.all(steps);
    settled.forEach((r, k) => (samples[k + 1]!.window = windowOf(r)));
    return {
      startedAt,
      rateRps,
      warmupSeconds: warmupWindows * w,
      soakSeconds: (windows - warmupWindows) * w,
      sampleSeconds: w,
      samples,
    };
  } finally {
    await Promise.all([dispatcher.close(), sampler.close()]);
  }
}

/** The baseline is the sample at the end of the warm-up: from there on the phase is `soak`. */
function phaseOf(k: number, warmupWindows: number): SoakSample['phase'] {
  return k < warmupWindows ? 'warmup' : 'soak';
}

function windowOf(r: StepResult): SoakWindow {
  const { sent, ok, errors, p50Ms, p99Ms, maxMs, statuses } = r;
  return { sent, ok, errors, p50Ms, p99Ms, maxMs, statuses };
}

/** One progress line: time, phase, the last settled window's latency, then the reading. */
function progressLine(
  s: SoakSample,
  results: readonly (StepResult | undefined)[],
  k: number,
  warmupWindows: number,
): string {
  const last = results.findLast((r) => r !== undefined);
  const sent = results.reduce((n, r) => n + (r?.sent ?? 0), 0);
  const errors = results.reduce((n, r) => n + (r?.errors ?? 0), 0);
  const mmss = `${Math.floor(s.atSeconds / 60)}:${String(s.atSeconds % 60).padStart(2, '0')}`;
  const phase = k === warmupWindows ? 'baseline' : s.phase;
  const rss = Object.entries(s.rssMiB)
    .map(([name, mib]) => `${name} ${mib === null ? 'DOWN' : Math.round(mib)}`)
    .join(' ');
  const loop = Math.max(...Object.values(s.eventLoopP99Ms).map((v) => v ?? 0));
  const pending = Object.values(s.outboxPending).reduce((a, b) => a + b, 0);
  return (
    `${mmss} ${phase}: ${sent} answered, ${errors} errors` +
    (last ? `, last window p50 ${last.p50Ms} / p99 ${last.p99Ms} ms` : '') +
    ` | RSS MiB ${rss} | event-loop p99 max ${loop} ms | outbox pending ${pending}`
  );
}
