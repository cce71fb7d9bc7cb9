import type { PlatformUnderTest } from '@rc/testing';
import type { EdgeReading, EdgeTiming } from './edge-timing';
import type { LoadRunner } from './load-runner';
import type { StepResult } from './step-result';

/** Checkout's resilience pipeline on vs off at one arrival rate. */
export interface PipelineComparison {
  rateRps: number;
  on: StepResult;
  off: StepResult;
}

/**
 * Runs the same steps — at capacity (what the pipeline costs when nothing is wrong), then at an
 * overload rate (what it buys), then with the pipeline on only at `extraOverloadRps` — against checkout with RESILIENCE_PIPELINE_ENABLED=true, then
 * false. Each side starts from a freshly restarted checkout and the same warm-up, so neither
 * inherits the other's JIT state, breaker or adaptive-limit history.
 */
export async function comparePipeline(
  platform: PlatformUnderTest,
  runner: LoadRunner,
  plan: {
    capacityRps: number;
    overloadRps: number;
    warmupRps: number;
    warmupSeconds: number;
    seconds: number;
    /** Further overload rates run with the pipeline on only (shedding's goodput and speed). */
    extraOverloadRps?: readonly number[];
    /** Reads what checkout itself saw of each of those steps. */
    edge?: EdgeTiming;
  },
  log: (label: string, step?: StepResult) => void,
): Promise<{
  atCapacity: PipelineComparison;
  overload: PipelineComparison;
  /** The steps at `extraOverloadRps`, pipeline on, with checkout's own reading (null without `edge`). */
  extraOverloadOn: (StepResult & EdgeReading)[];
}> {
  const side = async (enabled: boolean) => {
    const name = `pipeline ${enabled ? 'on' : 'off'}`;
    log(`${name}: restarting checkout with RESILIENCE_PIPELINE_ENABLED=${enabled}, warm-up`);
    await platform.restartWith('checkout', { RESILIENCE_PIPELINE_ENABLED: String(enabled) });
    await runner.reconnect();
    await runner.step(plan.warmupRps, plan.warmupSeconds);
    const atCapacity = await runner.step(plan.capacityRps, plan.seconds);
    log(`${name} at ${plan.capacityRps} rps`, atCapacity);
    const overload = await runner.step(plan.overloadRps, plan.seconds);
    log(`${name} at ${plan.overloadRps} rps`, overload);
    const extra: (StepResult & EdgeReading)[] = [];
    const { edge } = plan;
    for (const rate of enabled ? (plan.extraOverloadRps ?? []) : []) {
      const step = await runner.step(rate, plan.seconds, edge && (() => edge.start()));
      const reading = edge
        ? await edge.read()
        : { shedServerP99Ms: null, edgeLoopDelayP99Ms: null };
      extra.push({ ...step, ...reading });
      log(`${name} at ${rate} rps`, extra.at(-1));
    }
    return { atCapacity, overload, extra };
  };
  const on = await side(true);
  const off = await side(false);
  return {
    atCapacity: { rateRps: plan.capacityRps, on: on.atCapacity, off: off.atCapacity },
    overload: { rateRps: plan.overloadRps, on: on.overload, off: off.overload },
    extraOverloadOn: on.extra,
  };
}
