import { eventLoopP99Ms } from './soak-sampler';
import { memoryVerdict, rssGrowth, summariseSoak, verdictLine } from './soak-report';
import type { SoakRecord, SoakSample } from './soak-run';

/** Readings of two of the six services (the summary takes the services from the samples). */
const services = (values: Record<string, number | null>) => values as SoakSample['rssMiB'];

/** A sample with checkout's RSS, cart down or up, and one window of load. */
function sample(
  atSeconds: number,
  checkoutMiB: number,
  extra: Partial<SoakSample> = {},
): SoakSample {
  return {
    atSeconds,
    phase: atSeconds === 0 ? 'start' : atSeconds < 20 ? 'warmup' : 'soak',
    window:
      atSeconds === 0
        ? null
        : {
            sent: 100,
            ok: 99,
            errors: 1,
            p50Ms: 20,
            p99Ms: atSeconds,
            maxMs: 2 * atSeconds,
            statuses: { '201': 99, timeout: 1 },
          },
    rssMiB: services({ checkout: checkoutMiB, cart: 100 }),
    eventLoopP99Ms: services({ checkout: 50 + atSeconds / 10, cart: null }),
    tableRows: { 'checkout.outbox': atSeconds * 10 },
    outboxPending: { checkout: atSeconds === 30 ? 7 : 2 },
    ...extra,
  };
}

const record = (samples: SoakSample[], soakSeconds = 40): SoakRecord => ({
  startedAt: '2026-12-04T00:00:00.000Z',
  rateRps: 10,
  warmupSeconds: 20,
  soakSeconds,
  sampleSeconds: 10,
  samples,
});

describe('soak report', () => {
  it('when RSS rises after the baseline, then growth compares the medians of the first and last samples', () => {
    const samples = [100, 300, 110, 120, 130, 140].map((mib, i) => sample(20 + i * 10, mib));

    const growth = rssGrowth(samples);

    // first three: 100, 300, 110 → 110; last three: 120, 130, 140 → 130
    expect(growth.checkout).toEqual({ baselineMiB: 110, endMiB: 130, growthPct: 18.2 });
    expect(growth.cart).toEqual({ baselineMiB: 100, endMiB: 100, growthPct: 0 });
  });

  it('when a run is shorter than 30 min, then the verdict is reported but not judged', () => {
    const growth = { checkout: { baselineMiB: 100, endMiB: 112, growthPct: 12 } };

    const short = memoryVerdict(growth, 120);
    const long = memoryVerdict(growth, 1_800);

    expect(short).toMatchObject({ pass: false, judged: false, worstService: 'checkout' });
    expect(verdictLine(short, 120)).toMatch(
      /not judged — only 2 min measured.*would fail: worst checkout 12 %/,
    );
    expect(long).toMatchObject({ pass: false, judged: true });
    expect(verdictLine(long, 1_800)).toMatch(/: FAIL \(worst checkout 12 %\)$/);
    expect(
      verdictLine(
        memoryVerdict({ checkout: { ...growth.checkout, growthPct: 9.9 } }, 1_800),
        1_800,
      ),
    ).toMatch(/: PASS /);
  });

  it('when a service has no RSS reading at all, then the memory target cannot pass', () => {
    const growth = { checkout: { baselineMiB: null, endMiB: null, growthPct: null } };

    expect(memoryVerdict(growth, 1_800)).toMatchObject({ pass: false, worstService: null });
  });

  it('when a record is summarised, then the warm-up is left out of the load and the tables, and downtime is listed', () => {
    const samples = [0, 10, 20, 30, 40, 50, 60].map((t) => sample(t, 100));
    samples[5] = sample(50, 100, { rssMiB: services({ checkout: 100, cart: null }) });

    const s = summariseSoak(record(samples));

    // windows ending at 30, 40, 50, 60 (the one ending at the baseline, 20 s, is warm-up)
    expect(s.load).toMatchObject({ sent: 400, ok: 396, errors: 4, p99MsWorst: 60, maxMs: 120 });
    expect(s.load.statuses).toEqual({ '201': 396, timeout: 4 });
    expect(s.tables['checkout.outbox']).toEqual({ baseline: 200, end: 600, max: 600 });
    expect(s.outboxPendingMax).toBe(7);
    expect(s.eventLoopP99Ms).toEqual({
      checkout: { median: 54, max: 56 },
      cart: { median: null, max: null },
    });
    expect(s.servicesDown).toEqual([{ service: 'cart', atSeconds: 50 }]);
    const flat = { baselineMiB: 100, endMiB: 100, growthPct: 0 };
    expect(s.rssGrowthSecondHalf).toEqual({ checkout: flat, cart: flat });
  });

  it('when a scrape holds prom-client event-loop metrics, then the p99 is read in ms', () => {
    const text = [
      '# TYPE nodejs_eventloop_lag_p99_seconds gauge',
      'nodejs_eventloop_lag_p99_seconds{service="checkout"} 0.05316',
      'nodejs_eventloop_lag_p50_seconds{service="checkout"} 0.0501',
    ].join('\n');

    expect(eventLoopP99Ms(text)).toBe(53.2);
    expect(eventLoopP99Ms('up 1')).toBeNull();
  });
});
