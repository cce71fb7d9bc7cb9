import type { LoadRunner } from './load-runner';
import type { PgCounters, PgPerCheckout } from './pg-counters';
import { pgPerCheckout } from './pg-counters';
import {
  costPerCheckout,
  cpuDelta,
  idleCost,
  type CheckoutCost,
  type IdleCost,
} from './platform-cost';
import { readCpu } from './proc-stat';
import type { RedisCounters } from './redis-counters';
import type { StepResult } from './step-result';

/** One load step with what the platform spent on it. */
export interface CostStep {
  step: StepResult;
  cost: CheckoutCost;
  pg: PgPerCheckout;
  /** Commands the Redis servers processed per completed checkout (2 decimals). */
  redisCommandsPerCheckout: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Measures what the platform spends: CPU of every platform process from `/proc` and Postgres
 * counters, read right before a step's load starts (after the machine settled) and again once
 * every request has been answered and the consumers had `drainSeconds` to apply its events.
 */
export class CostProbe {
  constructor(
    private readonly pg: PgCounters,
    private readonly drainSeconds: number,
    private readonly redis: RedisCounters,
  ) {}

  /** The platform at rest for `seconds`: CPU as % of one core, in total and by process. */
  async idle(seconds: number): Promise<IdleCost> {
    const before = readCpu();
    await sleep(seconds * 1000);
    return idleCost(cpuDelta(before, readCpu()));
  }

  /** One open-loop step at `rateRps` for `seconds`, with its cost per completed checkout. */
  async step(runner: LoadRunner, rateRps: number, seconds: number): Promise<CostStep> {
    let cpuBefore = readCpu();
    let pgBefore = await this.pg.read();
    let redisBefore = await this.redis.read();
    const step = await runner.step(rateRps, seconds, async () => {
      pgBefore = await this.pg.read();
      redisBefore = await this.redis.read();
      cpuBefore = readCpu();
    });
    if (step.ok === 0)
      throw new Error(
        `no checkout completed in the ${seconds} s cost step at ${rateRps}/s; the answers: ${JSON.stringify(step.statuses)}`,
      );
    await sleep(this.drainSeconds * 1000);
    const cpuAfter = readCpu();
    const pgAfter = await this.pg.read();
    const redisAfter = await this.redis.read();
    const redisCommands = redisAfter - redisBefore;
    return {
      step,
      cost: costPerCheckout(cpuDelta(cpuBefore, cpuAfter), step.ok),
      pg: pgPerCheckout(pgBefore, pgAfter, step.ok),
      redisCommandsPerCheckout: step.ok > 0 ? Math.round((redisCommands / step.ok) * 100) / 100 : 0,
    };
  }
}
