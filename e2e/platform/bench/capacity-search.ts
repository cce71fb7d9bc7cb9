import { meetsSlo, type StepResult } from './step-result';

/** The objective a rate must meet to count as within capacity. */
export interface Slo {
  /** Largest acceptable p99 latency, ms. */
  p99Ms: number;
  /** Error ratio that already fails (e.g. 0.001 = 0.1 %). */
  maxErrorRatio: number;
}

/** One run of a rate during the search. */
export interface SearchStep extends StepResult {
  /** 1 for the first run of a rate, 2 for the confirmation of a miss. */
  attempt: number;
  metSlo: boolean;
}

/** Outcome of {@link searchCapacity}. */
export interface CapacitySearch {
  /** Highest rate that met the SLO (0 when even the first missed). */
  capacityRps: number;
  /** First rate that missed twice in a row, or undefined when every rate met the SLO. */
  firstMissedRps: number | undefined;
  steps: SearchStep[];
}

/**
 * Steps the arrival rate up through `rates` (ascending) and stops at the first rate that misses
 * the SLO twice in a row; capacity is the highest rate that met it. A miss is run once more
 * before it counts, so one hiccup of a shared machine (a GC pause, a consumer rebalance) does
 * not end the search early; a rate that passes on its second run counts as met.
 */
export async function searchCapacity(
  rates: readonly number[],
  slo: Slo,
  runStep: (rateRps: number) => Promise<StepResult>,
  onStep: (step: SearchStep) => void = () => undefined,
): Promise<CapacitySearch> {
  const steps: SearchStep[] = [];
  let capacityRps = 0;
  for (const rate of rates) {
    let met = false;
    for (let attempt = 1; attempt <= 2 && !met; attempt++) {
      const result = await runStep(rate);
      met = meetsSlo(result, slo);
      const step = { ...result, attempt, metSlo: met };
      steps.push(step);
      onStep(step);
    }
    if (!met) return { capacityRps, firstMissedRps: rate, steps };
    capacityRps = rate;
  }
  return { capacityRps, firstMissedRps: undefined, steps };
}
