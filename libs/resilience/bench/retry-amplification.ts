import { Registry } from 'prom-client';
import { FakeClock, flushMicrotasks } from '../src/clock';
import { type PolicyConfigInput, ResiliencePolicy } from '../src/policy';

/** Parameters of the outage simulation. */
export interface OutageScenario {
  requestsPerSecond: number;
  /** Healthy traffic before the outage (0: the dependency is already down at start-up). */
  warmupSeconds: number;
  /** Length of the total outage; only requests started in it are counted. */
  outageSeconds: number;
}

/** A dependency that answers until `down` is set, then fails every attempt with a reset. */
class Dependency {
  down = false;
  outageAttempts = 0;

  readonly call = async (): Promise<string> => {
    if (!this.down) return 'ok';
    this.outageAttempts++;
    throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
  };
}

/**
 * Open-loop simulation on a fake clock: requests arrive at a fixed rate whatever happens to
 * earlier ones (no coordinated omission), each through `config`'s policy. After `warmupSeconds`
 * of healthy traffic the dependency fails 100% for `outageSeconds`. Returns the attempts that
 * reached the dependency per request started during the outage.
 */
export async function attemptsPerRequest(
  config: PolicyConfigInput,
  scenario: OutageScenario,
): Promise<number> {
  const clock = new FakeClock();
  const policy = new ResiliencePolicy('outage', config, { clock, registry: new Registry() });
  const dependency = new Dependency();
  const swallow = (): undefined => undefined;
  const tickMs = 10;
  const perTick = (scenario.requestsPerSecond * tickMs) / 1000;
  const warmupTicks = (scenario.warmupSeconds * 1000) / tickMs;
  const ticks = warmupTicks + (scenario.outageSeconds * 1000) / tickMs;
  let outageRequests = 0;
  let owed = 0;
  for (let tick = 0; tick < ticks; tick++) {
    if (tick === warmupTicks) dependency.down = true;
    for (owed += perTick; owed >= 1; owed--) {
      if (dependency.down) outageRequests++;
      policy.execute(dependency.call).catch(swallow);
    }
    await flushMicrotasks();
    await clock.advance(tickMs);
  }
  // Let the last retries run out (max backoff is far below this).
  for (let i = 0; i < 100; i++) await clock.advance(100);
  return dependency.outageAttempts / outageRequests;
}

/** The configurations compared in the benchmark (library defaults unless stated). */
export function outageConfigs(): Record<string, PolicyConfigInput> {
  // Breaker off in the first two so that the budget alone is measured.
  const retryOnly = { retry: { maxAttempts: 3 }, breaker: { enabled: false } } as const;
  return {
    withoutBudget: { ...retryOnly, budget: { enabled: false } },
    withBudget: { ...retryOnly },
    fullPolicy: { retry: { maxAttempts: 3 } },
  };
}
