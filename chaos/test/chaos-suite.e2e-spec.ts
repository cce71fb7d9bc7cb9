import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { experimentFiles, loadExperimentFile } from '../src/experiment/load-experiment';
import { Progress } from '../src/run/progress';
import { runSuite, type SuiteResult } from '../src/run/suite';

const ROOT = join(__dirname, '..', '..');
const experiments = experimentFiles(join(ROOT, 'chaos', 'experiments')).map(loadExperimentFile);

/** Retry storm without its protection: same experiment, checkout's payment retry budget off. */
const BUDGET_OFF = 'retry budget disabled';
const retryStorm = experiments.find((e) => e.id === 'retry-storm')!;
const policies = JSON.parse(
  retryStorm.experiment.configuration.service_env.checkout!.OUTBOUND_POLICIES_JSON!,
) as { payment: Record<string, unknown> };
const budgetOff = JSON.stringify({
  ...policies,
  payment: { ...policies.payment, budget: { enabled: false } },
});

/** What a failed verdict looked like, for the assertion message. */
function why(result: SuiteResult | undefined): string {
  if (!result) return 'not run';
  const j = result.journal;
  const failed = j.judgements
    .filter((x) => !x.ok)
    .map(
      (x) =>
        `${x.phase} ${x.probe}: ${JSON.stringify(x.value)} (expected ${x.expected})${x.error ? ` ${x.error}` : ''}`,
    );
  return `${j.status}${j.error ? ` (${j.error})` : ''}: ${failed.join('; ')} — see ${result.reportDir}`;
}

// Every experiment of chaos/experiments in --quick mode on one platform run (the same platform
// lock as the other end-to-end suites), then the retry storm again with the retry budget
// switched off: the same hypothesis must then fail, so the experiments tell good from bad.
describe('chaos experiments (--quick) on the running platform', () => {
  let results: SuiteResult[] = [];
  const byId = (id: string, variant?: string) =>
    results.find((r) => r.journal.experiment.id === id && r.journal.variant === variant);

  beforeAll(async () => {
    results = await runSuite({
      root: ROOT,
      quick: true,
      progress: new Progress(process.stderr),
      experiments: [
        ...experiments,
        {
          ...retryStorm,
          variant: BUDGET_OFF,
          serviceEnv: { checkout: { OUTBOUND_POLICIES_JSON: budgetOff } },
        },
      ],
    });
  }, 20 * 60_000);

  it.each(experiments.map((e) => [e.id, e.experiment.title]))(
    '%s (%s): when the fault is injected under load, then the steady-state hypothesis holds before, during and after it',
    (id) => {
      const result = byId(id);
      expect({ id, verdict: result?.journal.status }).toEqual({
        id,
        verdict: 'completed',
        ...(result?.journal.status === 'completed' ? {} : { why: why(result) }),
      });
      expect(existsSync(join(result!.reportDir, 'journal.json'))).toBe(true);
      expect(existsSync(join(result!.reportDir, 'report.html'))).toBe(true);
      expect(result!.journal.safetyNet.filter((s) => s.error)).toEqual([]);
    },
  );

  it('retry storm: when the retry budget is switched off, then the amplification exceeds its tolerance and the hypothesis fails', () => {
    const result = byId('retry-storm', BUDGET_OFF);
    expect(result?.journal.status).toBe('failed');
    const amplification = result!.journal.judgements.find((j) =>
      j.probe.includes('amplification'),
    )!;
    expect(amplification.ok).toBe(false);
    expect(amplification.value).toBeGreaterThan(1.3);
    // ... while with the budget on, the same probe held.
    const protectedRun = byId('retry-storm')!.journal.judgements.find((j) =>
      j.probe.includes('amplification'),
    )!;
    expect(protectedRun.ok).toBe(true);
  });
});
