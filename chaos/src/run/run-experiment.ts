import { randomUUID } from 'node:crypto';
import { CustomerTokenIssuer } from '@rc/platform';
import { actions } from '../activities/actions';
import { type HarnessFunc, type ServiceName, SERVICES } from '../activities/catalogue';
import { probes } from '../activities/probes';
import { PhaseClock, type RunContext, scrapeAll } from '../activities/run-context';
import type { Activity, Provider, Tolerance } from '../experiment/experiment.schema';
import type { LoadedExperiment } from '../experiment/load-experiment';
import { judge } from '../experiment/tolerance';
import { statusCounts, timeline, windowStats } from '../load/load-stats';
import { OpenLoopLoad } from '../load/open-loop-load';
import type { ChaosPlatform } from '../platform/chaos-platform';
import type { SafetyNet } from '../platform/safety-net';
import { ToxiproxyClient } from '../proxy';
import { type ActivityRecord, type Journal, type Judgement, redact } from './journal';
import type { Progress } from './progress';
import { Sampler } from './sampler';

/** Options of one run. */
export interface RunOptions {
  platform: ChaosPlatform;
  safety: SafetyNet;
  quick: boolean;
  progress: Progress;
  /** Aborted on Ctrl-C: the run stops where it is and goes to its rollbacks. */
  interrupt: AbortSignal;
  /** Overrides the experiment's arrival rate. */
  rateRps?: number;
  /**
   * Environment merged over the experiment's `service_env`, per service (a test switches a
   * protection off this way to show the hypothesis then fails).
   */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Names a variant run (a protection switched off) in the journal. */
  variant?: string;
}

class Interrupted extends Error {}

/** Customers an experiment's load signs in as, in turn (each orders every few seconds at most). */
const CHAOS_CUSTOMERS = 1_000;

/**
 * Runs one experiment the Chaos Toolkit way, with load on the checkout path throughout:
 * warm-up → steady-state hypothesis ("before"; when it fails the run is aborted, nothing is
 * injected) → method (actions, probes and pauses; method probes with a tolerance are the
 * "during" checks; `fault: start|end` marks the fault window) → hypothesis again ("after"; a
 * probe with `within` may take that long to hold again) → rollbacks, which always run, then the
 * safety net undoes anything still applied. Returns the journal.
 */
export async function runExperiment(
  loaded: LoadedExperiment,
  options: RunOptions,
): Promise<Journal> {
  const { experiment } = loaded;
  const { platform, safety, progress, interrupt } = options;
  const cfg = experiment.configuration;
  const scale = options.quick ? cfg.quick_pause_scale : 1;
  const runId = randomUUID().slice(0, 8);
  const startedAt = new Date();
  const envs = new Map<ServiceName, Record<string, string>>();
  for (const service of SERVICES) {
    const env = Object.fromEntries(
      Object.entries({ ...cfg.service_env[service], ...options.serviceEnv?.[service] }).map(
        ([k, v]) => [k, v.replace('${otlp_endpoint}', platform.otlpEndpoint)],
      ),
    );
    if (Object.keys(env).length > 0) envs.set(service, env);
  }
  for (const [service, env] of envs) {
    progress.line(`restarting ${service} with ${Object.keys(env).join(', ')}`);
    await platform.restartWith(service, env);
    safety.add(`env:${service}`, {
      label: `restart ${service} with its default environment`,
      run: () => platform.restartWith(service, {}),
    });
  }
  const skus = await catalogueSkus(platform.url('inventory'));
  await topUpStock(platform, 5_000);
  const rate = options.rateRps ?? cfg.load_rate_rps;
  const customerPrefix = `chaos-${loaded.id}-${runId}`;
  // A crowd of signed-in shoppers, each reusing their token (the probes find their orders by prefix).
  const customers = await CustomerTokenIssuer.fromKeyPair(platform.identityKey).pool(
    customerPrefix,
    CHAOS_CUSTOMERS,
  );
  const load = new OpenLoopLoad({
    origin: platform.url('checkout'),
    skus,
    customerPrefix,
    customers,
    rateRps: rate,
    ...(cfg.deadline_ms ? { headers: { 'x-request-timeout-ms': String(cfg.deadline_ms) } } : {}),
  });
  const phases = new PhaseClock(
    () => load.now(),
    () => scrapeAll(platform, SERVICES),
  );
  const ctx: RunContext = {
    platform,
    load,
    skus,
    safety,
    toxiproxy: new ToxiproxyClient(platform.proxyApiUrl),
    customerPrefix,
    customers,
    startedAt,
    baseRateRps: rate,
    sloMs: cfg.slo_ms,
    phases,
    notes: {},
    log: (m) => progress.line(m),
  };
  const judgements: Judgement[] = [];
  const activities: ActivityRecord[] = [];
  const sampler = new Sampler(platform, load);
  const seconds = () => Math.round(load.now()) / 1000;
  let status: Journal['status'] = 'completed';
  let error: string | undefined;

  const pause = async (s: number | undefined, label: string) => {
    const ms = (s ?? 0) * scale * 1000;
    const until = performance.now() + ms;
    while (performance.now() < until) {
      if (interrupt.aborted) throw new Interrupted();
      progress.status(label, (until - performance.now()) / 1000);
      await new Promise((r) => setTimeout(r, Math.min(250, until - performance.now())));
    }
  };

  const runProvider = async (provider: Provider): Promise<unknown> => {
    if (provider.type === 'http') return httpProbe(platform, provider, customers[0]!.authorization);
    const func = provider.func as HarnessFunc;
    const impl =
      (probes as Record<string, unknown>)[func] ?? (actions as Record<string, unknown>)[func];
    return (impl as (c: RunContext, a: unknown) => Promise<unknown>)(ctx, provider.arguments);
  };

  const judgeProbe = async (
    phase: Judgement['phase'],
    probe: { name: string; provider: Provider; tolerance?: Tolerance; within?: number },
    retryFor = 0,
  ): Promise<Judgement> => {
    const until = performance.now() + retryFor * 1000;
    let attempts = 0;
    for (;;) {
      attempts++;
      let value: unknown;
      let err: string | undefined;
      try {
        value = await runProvider(probe.provider);
      } catch (e) {
        err = (e as Error).message;
      }
      const verdict = err ? { ok: false, expected: '' } : judge(probe.tolerance!, value);
      const expected = verdict.expected || judge(probe.tolerance!, undefined).expected;
      const j: Judgement = {
        phase,
        probe: probe.name,
        value: redact(value),
        expected,
        ok: verdict.ok,
        at: seconds(),
        attempts,
        ...(err ? { error: err } : {}),
      };
      if (j.ok || performance.now() >= until || interrupt.aborted) {
        judgements.push(j);
        const window =
          !j.ok && probe.provider.type === 'harness' && probe.provider.func === 'load_stats'
            ? ` — requests in the window: ${JSON.stringify(ctx.notes.lastLoadWindow)}`
            : '';
        progress.line(
          `${phase.padEnd(6)} ${j.ok ? 'ok  ' : 'FAIL'} ${probe.name}: ${formatValue(value)} (expected ${expected})${err ? ` — ${err}` : ''}${window}`,
        );
        return j;
      }
      progress.status(
        `${phase}: waiting for "${probe.name}" to hold`,
        (until - performance.now()) / 1000,
      );
      await new Promise((r) => setTimeout(r, 1_000));
    }
  };

  const runActivity = async (a: Activity, phase: ActivityRecord['phase']) => {
    const record: ActivityRecord = {
      name: a.name,
      type: a.type,
      provider: a.provider.type === 'http' ? `http ${a.provider.url}` : a.provider.func,
      phase,
      start: seconds(),
      end: 0,
      ok: true,
    };
    try {
      if (a.type === 'probe' && a.tolerance !== undefined && phase === 'method') {
        const j = await judgeProbe('during', a, (a.within ?? 0) * scale);
        record.output = j.value;
        record.ok = j.ok;
      } else {
        record.output = redact(await runProvider(a.provider));
      }
    } catch (e) {
      record.ok = false;
      record.error = (e as Error).message;
    }
    record.end = seconds();
    activities.push(record);
    if (phase === 'method' && a.type === 'action')
      progress.line(
        `method ${record.ok ? 'done' : 'FAIL'} ${a.name}${record.error ? ` — ${record.error}` : ''}`,
      );
    return record;
  };

  progress.begin(loaded.id, experiment.title);
  progress.attach(load, cfg.slo_ms);
  load.start();
  sampler.start();
  await phases.begin('run');
  try {
    await pause(cfg.warmup_seconds, 'warm-up');
    await phases.begin('before');
    // The steady state must hold before the fault. A probe with `within` may take that long
    // (scaled like the pauses) to get there — the tail of an earlier experiment or a busy machine
    // may still show in its window — and every attempt is counted in the journal; one that does
    // not hold by then aborts the experiment, as in Chaos Toolkit.
    for (const p of experiment['steady-state-hypothesis'].probes)
      await judgeProbe('before', p, (p.within ?? 0) * scale);
    if (judgements.some((j) => !j.ok)) {
      status = 'aborted';
    } else {
      const background: Promise<ActivityRecord>[] = [];
      let faultStarted = false;
      const hasStartMark = experiment.method.some((a) => a.fault === 'start');
      for (const a of experiment.method) {
        await pause(a.pauses?.before, `method: before "${a.name}"`);
        if (!faultStarted && (a.fault === 'start' || (!hasStartMark && a.type === 'action'))) {
          faultStarted = true;
          await phases.begin('fault');
        }
        const run = runActivity(a, 'method');
        if (a.background) background.push(run);
        else if (!(await run).ok && a.type === 'action')
          throw new Error(`action "${a.name}" failed: ${activities.at(-1)?.error}`);
        if (a.fault === 'end') phases.end('fault');
        await pause(
          a.pauses?.after,
          faultStarted && phases.ends.fault === undefined
            ? `fault: after "${a.name}"`
            : `method: after "${a.name}"`,
        );
      }
      await Promise.all(background);
      phases.end('fault');
      await phases.begin('after');
      for (const p of experiment['steady-state-hypothesis'].probes)
        await judgeProbe('after', p, (p.within ?? 0) * scale);
      if (judgements.some((j) => !j.ok)) status = 'failed';
    }
  } catch (e) {
    if (e instanceof Interrupted) status = 'interrupted';
    else {
      status = 'errored';
      error = (e as Error).message;
    }
  } finally {
    phases.end('fault');
    phases.end('after');
    progress.status('rollbacks', 0);
    for (const r of experiment.rollbacks) await runActivity(r, 'rollback');
  }
  const leftovers = await safety.undoAll();
  for (const l of leftovers)
    progress.line(`safety net: ${l.label}${l.error ? ` — ${l.error}` : ''}`);
  await sampler.stop();
  progress.status('draining the load', 0);
  await load.stop();
  const now = load.now();
  const figures = Object.fromEntries(
    (['run', 'before', 'fault', 'after'] as const)
      .filter((p) => phases.starts[p] !== undefined)
      .map((p) => {
        const w = phases.window(p);
        return [p, windowStats(load.outcomes, w.from, w.to, cfg.slo_ms, now)];
      }),
  );
  const journal: Journal = {
    experiment: {
      id: loaded.id,
      title: experiment.title,
      description: experiment.description,
      tags: experiment.tags,
      file: loaded.file,
    },
    ...(options.variant ? { variant: options.variant } : {}),
    runId,
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    quick: options.quick,
    status,
    ...(error ? { error } : {}),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
    windows: Object.fromEntries(
      (['before', 'fault', 'after'] as const)
        .filter((p) => phases.starts[p] !== undefined)
        .map((p) => {
          const w = phases.window(p);
          return [p, { from: w.from / 1000, to: w.to / 1000 }];
        }),
    ),
    judgements,
    activities,
    figures,
    statusCounts: statusCounts(load.outcomes),
    timeline: timeline(load.outcomes, cfg.slo_ms, now),
    series: sampler.series(),
    notes: redact(ctx.notes) as Record<string, unknown>,
    configuration: redact({
      ...cfg,
      service_env: Object.fromEntries(envs),
      load_rate_rps: rate,
      pause_scale: scale,
    }) as Record<string, unknown>,
    safetyNet: leftovers,
  };
  progress.end(journal);
  return journal;
}

function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  const s = JSON.stringify(v);
  return s && s.length > 80 ? `${s.slice(0, 77)}...` : String(s);
}

/**
 * An experiment's `http` provider: `${<service>}` in the URL is that service's base URL; in
 * headers, `${admin_token}` is the services' admin token and `${customer_authorization}` a
 * signed-in customer's `Bearer <token>` (for the customer routes of checkout and cart).
 */
async function httpProbe(
  platform: ChaosPlatform,
  p: Extract<Provider, { type: 'http' }>,
  customerAuthorization: string,
): Promise<unknown> {
  const url = p.url.replace(/\$\{(\w+)\}/g, (_, name: string) =>
    (SERVICES as readonly string[]).includes(name)
      ? platform.url(name as (typeof SERVICES)[number])
      : `\${${name}}`,
  );
  const headers = Object.fromEntries(
    Object.entries(p.headers ?? {}).map(([k, v]) => [
      k,
      v
        .replace('${admin_token}', platform.adminToken)
        .replace('${customer_authorization}', customerAuthorization),
    ]),
  );
  const res = await fetch(url, {
    method: p.method,
    headers: {
      ...(p.arguments === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: p.arguments === undefined ? undefined : JSON.stringify(p.arguments),
    signal: AbortSignal.timeout(p.timeout * 1000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

async function catalogueSkus(inventoryUrl: string): Promise<string[]> {
  const res = await fetch(`${inventoryUrl}/v1/products`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`GET ${inventoryUrl}/v1/products answered ${res.status}`);
  return ((await res.json()) as { items: { sku: string }[] }).items.map((p) => p.sku);
}

/**
 * Keeps every SKU stocked (an experiment shortcut, as in the benchmark: there is no restocking
 * API), so no checkout of a run fails for lack of stock. Only ever raises stock that is short.
 */
async function topUpStock(platform: ChaosPlatform, units: number): Promise<void> {
  await platform.sql(
    'inventory',
    'UPDATE stock SET on_hand = reserved + $1 WHERE on_hand - reserved < $1',
    [units],
  );
}
