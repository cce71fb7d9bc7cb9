import { randomUUID } from 'node:crypto';

/** Outcome of one fixed-rate step. */
export interface StepResult {
  rateRps: number;
  seconds: number;
  sent: number;
  ok: number;
  errors: number;
  errorRatio: number;
  p50Ms: number;
  p99Ms: number;
  goodputRps: number;
}

/** Percentile of sorted values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Open-loop load: request i is sent at start + i/rate whatever happened to the earlier ones, and
 * its latency is counted from that scheduled time — so a slow server cannot hide its latency by
 * slowing the load generator down (no coordinated omission). Every request is a new customer
 * and Idempotency-Key; only 201 counts as success.
 */
export async function runStep(
  url: string,
  rateRps: number,
  seconds: number,
  body: () => unknown,
  timeoutMs = 10_000,
): Promise<StepResult> {
  const total = Math.max(1, Math.round(rateRps * seconds));
  const start = performance.now() + 50;
  const latencies: number[] = [];
  let ok = 0;
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const scheduled = start + (i * 1000) / rateRps;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify(body()),
        signal: AbortSignal.timeout(timeoutMs),
      })
        .then(async (res) => {
          await res.arrayBuffer();
          if (res.status === 201) ok++;
        })
        .catch(() => undefined)
        .finally(() => void latencies.push(performance.now() - scheduled)),
    );
  }
  await Promise.all(inflight);
  const sorted = latencies.sort((a, b) => a - b);
  const errors = total - ok;
  return {
    rateRps,
    seconds,
    sent: total,
    ok,
    errors,
    errorRatio: errors / total,
    p50Ms: Math.round(percentile(sorted, 50)),
    p99Ms: Math.round(percentile(sorted, 99)),
    goodputRps: Math.round((ok / seconds) * 10) / 10,
  };
}
