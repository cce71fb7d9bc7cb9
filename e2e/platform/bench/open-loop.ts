import { cpus } from 'node:os';
import { type Dispatcher, request } from 'undici';
import { summarise, type Outcome, type StepResult } from './step-result';

/** One request of the load: path, headers and JSON body. */
export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** One fixed-rate step of open-loop load. */
export interface OpenLoopStep {
  /** Origin of the target, e.g. `http://127.0.0.1:3200`. */
  origin: string;
  /** Keep-alive connection pool the requests go through. */
  dispatcher: Dispatcher;
  /** Arrival rate, requests per second. */
  rateRps: number;
  /** Length of the step (requests are scheduled over it). */
  seconds: number;
  /** Builds request `i` (0-based); called once per request, at its send time. */
  next: (i: number) => LoadRequest;
  /** Status that counts as success (any other is an error, counted by status and problem code). */
  okStatus: number;
  /** A request unanswered this long after its scheduled time is a timeout (an error). */
  timeoutMs: number;
  /** Latency objective, ms: successes within it are counted apart (goodput within the SLO). */
  sloMs: number;
}

/**
 * Open-loop load: request `i` is sent at `start + i / rate` whatever happened to the earlier
 * ones, and its latency is counted from that scheduled time, not from when it was really sent
 * — so neither a slow server nor a busy load generator can hide latency by sending less
 * (no coordinated omission). Only `okStatus` counts as success; any other status, a network
 * error or no answer within `timeoutMs` is an error. Resolves once every request has settled.
 */
export async function runOpenLoop(step: OpenLoopStep): Promise<StepResult> {
  const total = Math.max(1, Math.round(step.rateRps * step.seconds));
  const intervalMs = 1000 / step.rateRps;
  const outcomes: Outcome[] = new Array<Outcome>(total);
  const settled: Promise<void>[] = [];
  const cpuBefore = cpuTimes();
  const start = performance.now() + 20;

  const fire = (i: number, scheduledAt: number) => {
    const lagMs = performance.now() - scheduledAt;
    const req = step.next(i);
    settled.push(
      request(`${step.origin}${req.path}`, {
        dispatcher: step.dispatcher,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...req.headers },
        body: JSON.stringify(req.body),
        signal: AbortSignal.timeout(Math.max(1, Math.round(step.timeoutMs - lagMs))),
      })
        .then(async (res) => {
          if (res.statusCode === step.okStatus) {
            await res.body.dump();
            return String(res.statusCode);
          }
          return `${res.statusCode} ${problemCode(await res.body.text())}`.trim();
        })
        .catch((e: unknown) => (isTimeout(e) ? 'timeout' : 'network-error'))
        .then((status) => {
          const doneAt = performance.now();
          outcomes[i] = {
            status,
            latencyMs: doneAt - scheduledAt,
            doneAtMs: doneAt - start,
            lagMs,
          };
        }),
    );
  };

  await new Promise<void>((resolve, reject) => {
    let i = 0;
    const tick = () => {
      try {
        const now = performance.now();
        for (; i < total && start + i * intervalMs <= now; i++) fire(i, start + i * intervalMs);
      } catch (e) {
        return reject(e instanceof Error ? e : new Error(String(e)));
      }
      if (i >= total) return resolve();
      setTimeout(tick, Math.max(0, start + i * intervalMs - performance.now()));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  const cpuDuringSteadyLoad = cpuBusyPct(cpuBefore, cpuTimes());
  await Promise.all(settled);
  return summarise(outcomes, {
    rateRps: step.rateRps,
    seconds: step.seconds,
    okStatus: String(step.okStatus),
    sloMs: step.sloMs,
    cpuBusyPct: cpuDuringSteadyLoad,
  });
}

/** The stable `code` of a problem+json error body, or '' when there is none. */
function problemCode(body: string): string {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'string' ? code : '';
  } catch {
    return '';
  }
}

function isTimeout(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** Busy and total CPU time of every core of the machine so far, ms. */
export function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    busy += all - times.idle;
    total += all;
  }
  return { busy, total };
}

/** Share of the machine's CPU time that was busy between two {@link cpuTimes} readings, %. */
export function cpuBusyPct(
  before: { busy: number; total: number },
  after: { busy: number; total: number },
): number {
  const total = after.total - before.total;
  return total > 0 ? Math.round(((after.busy - before.busy) / total) * 100) : 0;
}
