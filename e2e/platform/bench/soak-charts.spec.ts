import { soakChartSpecs } from './soak-charts';
import type { SoakResult } from './soak-report';
import type { SoakSample } from './soak-run';

type Layer = { data: { values: Record<string, unknown>[] } };
const layers = (spec: Record<string, unknown>) => spec.layer as Layer[];

/** A sample at `atSeconds` with cart's process gone at 20 s. */
function sample(atSeconds: number): SoakSample {
  return {
    atSeconds,
    phase: atSeconds === 0 ? 'start' : 'soak',
    window:
      atSeconds === 0
        ? null
        : { sent: 10, ok: 10, errors: 0, p50Ms: 20, p99Ms: 40, maxMs: 50, statuses: { '201': 10 } },
    rssMiB: { checkout: 150, cart: atSeconds === 20 ? null : 140 } as SoakSample['rssMiB'],
    eventLoopP99Ms: { checkout: 52, cart: 51 } as SoakSample['eventLoopP99Ms'],
    tableRows: { 'checkout.outbox': 5 },
    outboxPending: { checkout: 1 },
  };
}

describe('soak charts', () => {
  it('when a service is down at a sample, then its RSS line has no point there, and the warm-up end is marked', () => {
    const r = {
      rateRps: 10,
      warmupSeconds: 30,
      samples: [0, 10, 20].map(sample),
      summary: { load: { errors: 0 } },
    } as unknown as SoakResult;

    const [rss, loop, tables, latency] = soakChartSpecs(r);

    expect(layers(rss!)[0]!.data.values).toHaveLength(5);
    expect(layers(rss!)[0]!.data.values).not.toContainEqual(
      expect.objectContaining({ series: 'cart', minute: 0.33 }),
    );
    expect(layers(rss!)[1]!.data.values).toEqual([{ minute: 0.5 }]);
    expect(layers(loop!)[0]!.data.values).toHaveLength(6);
    expect(layers(tables!)[0]!.data.values.map((v) => v.series)).toContain(
      'checkout.outbox pending',
    );
    // the latency chart starts with the first window: the sample at rest has none
    expect(layers(latency!)[0]!.data.values).toHaveLength(4);
  });
});
